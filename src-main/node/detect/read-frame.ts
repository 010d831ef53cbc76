import { checkImageReadSize } from '../../../src-workers/core/fits/pixels.js';
import { basename } from 'node:path';
import { FitsHeader } from '../../../src-workers/core/fits/index.js';
import { rasterToLinearLuminance, type RasterTransfer } from '../../../src-workers/core/image/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import {
  firstImageHdu,
  readFitsImage,
  readFitsStructure,
  type FitsImageRead,
} from '../../../src-workers/io/fits-file.js';
import { sniffFile } from '../../../src-workers/io/sniff.js';

/** What a measurement reads from a PNG/JPEG/TIFF: how its pixels became the measured values. */
export interface FrameRead extends FitsImageRead {
  /** Set for rasters: `linear luminance (Rec. 709 weights, sRGB decoded)` and the like. */
  rasterNote?: string;
}

/**
 * Reads the image to detect or measure on: a FITS HDU, or a PNG/JPEG/TIFF (by content) as its linear
 * luminance (`rasterToLinearLuminance`: stored values decoded with `transfer` [sRGB for 8-bit, linear
 * for 16-bit], Rec. 709 weights, in stored units so a linear 16-bit raster keeps its counts), row 0 at
 * the bottom as in FITS. With `shared`, plain and gzip FITS images are read straight into a
 * SharedArrayBuffer, so worker strips are views on it and the frame is never copied (peak memory ≈ one frame).
 */
export async function readFrame(
  path: string,
  hdu: number | undefined,
  shared: boolean,
  transfer?: RasterTransfer,
): Promise<FrameRead> {
  const format = await sniffFile(path);
  if (format === 'png' || format === 'jpeg' || format === 'tiff') {
    if (hdu !== undefined && hdu !== 0)
      throw new InputError('BAD_PARAMETER', `${basename(path)}: a ${format.toUpperCase()} image has no HDU ${hdu}`);
    // sharp is loaded only for rasters, so FITS-only runs do not pay for its start-up.
    const { readRaster } = await import('../../../src-workers/io/raster-file.js');
    const raster = await readRaster(path);
    const maxValue = raster.bitDepth === 16 ? 65535 : 255;
    const used = transfer ?? (maxValue > 255 ? 'linear' : 'srgb');
    const image = rasterToLinearLuminance(raster.planes, raster.width, raster.height, { maxValue, transfer: used });
    const what = raster.channels >= 3 ? 'linear luminance (Rec. 709 weights)' : 'linear grey level';
    const rasterNote = `${what} of a ${raster.bitDepth}-bit ${format.toUpperCase()}, ${used === 'srgb' ? 'sRGB decoded' : 'values taken as linear'}`;
    const data = shared ? new Float32Array(new SharedArrayBuffer(image.data.byteLength)) : image.data;
    if (shared) data.set(image.data);
    return {
      image: { width: image.width, height: image.height, data },
      header: new FitsHeader(),
      hduIndex: 0,
      warnings: [],
      rasterNote,
    };
  }
  if (!shared) return readFitsImage(path, { hdu });
  const structure = await readFitsStructure(path);
  const index = hdu ?? firstImageHdu(structure.hdus);
  const h = structure.hdus[index];
  if (!h || h.compressed || h.kind !== 'image' || h.naxis.length < 2 || !(h.naxis[0] > 0) || !(h.naxis[1] > 0)) {
    return readFitsImage(path, { hdu });
  }
  // The pixel limit before allocating: a SharedArrayBuffer of 2³² floats fails inside the engine.
  checkImageReadSize(h.naxis[0], h.naxis[1], basename(path));
  const into = new Float32Array(new SharedArrayBuffer(h.naxis[0] * h.naxis[1] * 4));
  return readFitsImage(path, { hdu: index, into });
}
