/** PNG encoding of figures through sharp (libvips + librsvg): SVG documents and raw grey stamps. */
import sharp from 'sharp';

/** Renders an SVG document (text included, in the system's sans-serif font) to PNG bytes. */
export function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Encodes 8-bit grey pixels, top row first, as PNG bytes. */
export function greyPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}
