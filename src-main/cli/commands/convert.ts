import { basename, extname } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import {
  renderGrey,
  renderRgba,
  COLORMAPS,
  type ColormapName,
  type Limits,
  type StretchName,
} from '../../../src-workers/core/display/index.js';
import {
  cubeHdu,
  encodeFits,
  FitsHeader,
  imageHdu,
  isStructuralKey,
  type EncodeScaling,
} from '../../../src-workers/core/fits/index.js';
import { integerScaling } from '../../../src-workers/core/fits/integer-scaling.js';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { sniffFile } from '../../../src-workers/io/sniff.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { UsageError } from '../cli-errors.js';

const USAGE = `
Usage: owb convert IN OUT [options]

Converts between FITS and PNG/JPEG/TIFF; the input format is recognised by content, the output format
by OUT's extension (.fits/.fit/.fts, .png, .jpg/.jpeg, .tif/.tiff).

  FITS → PNG/JPEG/TIFF  display stretch to 8 bits (FITS row 0 at the bottom)
  PNG/JPEG/TIFF → FITS  float32 FITS of the luminance (Rec. 709), or with --planes one plane per channel
  FITS → FITS           decompress / re-encode one image HDU (header kept)

Options:
  --stretch NAME   linear | log | sqrt | asinh | histeq | zscale   [zscale]
                   (zscale = linear between IRAF zscale limits)
  --limits L       minmax | zscale | P1,P2 (percentiles)   [zscale for zscale/asinh, else minmax]
  --colormap NAME  grey | grey-inverted | heat | viridis | red   [grey]
  --hdu N          FITS HDU to read (0 = primary)   [first HDU with a 2-D image]
  --planes         raster → FITS: a cube with one plane per channel instead of the luminance
  --bitpix B       FITS output type: -32, -64, 16, 8   [-32]. 16 and 8 store integer data that fit
                   exactly (16-bit unsigned with BZERO 32768); other data are scaled with BSCALE/BZERO
                   over the full range, never clipped, and a note on stderr gives the rounding step
`;

/**
 * BSCALE/BZERO for an 8- or 16-bit output (undefined for float output): integer data that fit are
 * stored exactly; anything else is scaled over the full range and rounded, which a HISTORY card and a
 * note on stderr say, with the step. Nothing is clipped but ±Inf, which is said too.
 */
function storageScaling(
  data: Float32Array,
  bitpix: number,
  out: string,
  header: FitsHeader,
  stderr: NodeJS.WritableStream,
): EncodeScaling | undefined {
  if (bitpix !== 8 && bitpix !== 16) return undefined;
  const chosen = integerScaling(data, bitpix);
  if (!chosen.exact) {
    const { bscale, bzero } = chosen.scaling;
    header.addHistory(`owb convert: BITPIX ${bitpix} rounds values to steps of BSCALE = ${bscale.toPrecision(6)}`);
    stderr.write(
      `owb convert: ${out}: BITPIX ${bitpix} stores BSCALE = ${bscale.toPrecision(9)}, BZERO = ${bzero.toPrecision(9)}; values are rounded (max error ${chosen.maxErrorPhysical.toPrecision(3)}); use --bitpix -32 to keep them exactly\n`,
    );
  }
  if (chosen.infiniteCount > 0)
    stderr.write(
      `owb convert: ${out}: ${chosen.infiniteCount} infinite pixel${chosen.infiniteCount === 1 ? '' : 's'} clipped to the largest or smallest storable value\n`,
    );
  return chosen.scaling;
}

const STRETCHES = ['linear', 'log', 'sqrt', 'asinh', 'histeq', 'zscale'];

function outputKind(path: string): 'fits' | 'png' | 'jpeg' | 'tiff' {
  const lower = path.toLowerCase();
  const ext = extname(lower);
  if (['.fits', '.fit', '.fts'].includes(ext)) return 'fits';
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.tif' || ext === '.tiff') return 'tiff';
  throw new UsageError(
    `convert: cannot tell the output format from '${basename(path)}' (use .fits, .png, .jpg or .tif)`,
  );
}

function parseLimits(raw: string | undefined, stretch: string): Limits {
  if (raw === undefined) return stretch === 'zscale' || stretch === 'asinh' ? { kind: 'zscale' } : { kind: 'minmax' };
  if (raw === 'minmax') return { kind: 'minmax' };
  if (raw === 'zscale') return { kind: 'zscale' };
  const parts = raw.split(',').map(Number);
  if (parts.length === 2 && parts.every((p) => Number.isFinite(p) && p >= 0 && p <= 100) && parts[0] < parts[1]) {
    return { kind: 'percentile', lower: parts[0], upper: parts[1] };
  }
  throw new UsageError(`--limits must be minmax, zscale or two percentiles like 0.5,99.5, got '${raw}'`);
}

export const command: CliCommand = {
  name: 'convert',
  summary: 'Convert FITS ↔ PNG/JPEG/TIFF (display stretch one way, float32 FITS the other)',
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('convert', argv, {
      stretch: { type: 'string' },
      limits: { type: 'string' },
      colormap: { type: 'string' },
      hdu: { type: 'string' },
      planes: { type: 'boolean' },
      bitpix: { type: 'string' },
    });
    if (positionals.length !== 2)
      throw new UsageError(
        `convert: expected IN and OUT, got ${positionals.length} argument(s) (see 'owb convert --help')`,
      );
    const [input, output] = positionals;
    const stretchArg = values.stretch ?? 'zscale';
    if (!STRETCHES.includes(stretchArg))
      throw new UsageError(`--stretch must be one of ${STRETCHES.join(', ')}, got '${stretchArg}'`);
    const colormap = (values.colormap ?? 'grey') as ColormapName;
    if (!COLORMAPS.includes(colormap))
      throw new UsageError(`--colormap must be one of ${COLORMAPS.join(', ')}, got '${values.colormap}'`);
    const hdu = values.hdu === undefined ? undefined : numberOption('hdu', values.hdu, 0);
    if (hdu !== undefined && (!Number.isInteger(hdu) || hdu < 0))
      throw new UsageError(`--hdu must be a non-negative integer, got '${values.hdu}'`);
    const bitpix = numberOption('bitpix', values.bitpix, -32);
    if (![-32, -64, 16, 8].includes(bitpix))
      throw new UsageError(`--bitpix must be -32, -64, 16 or 8, got '${values.bitpix}'`);
    const outKind = outputKind(output);
    const inFormat = await sniffFile(input);
    const inName = basename(input);

    if (inFormat === 'fits' || inFormat === 'gzip') {
      const { image, header, hduIndex } = await readFitsImage(input, hdu === undefined ? {} : { hdu });
      if (outKind === 'fits') {
        const keep = new FitsHeader(
          header.cards.filter((c) => !isStructuralKey(c.key) && c.key !== 'XTENSION' && c.key !== 'EXTNAME'),
        );
        keep.addHistory(`owb convert from ${inName} HDU ${hduIndex}`);
        const scaling = storageScaling(image.data, bitpix, basename(output), keep, ctx.stderr);
        await writeFileAtomic(
          output,
          encodeFits([imageHdu(image, { header: keep, bitpix: bitpix as -32, ...(scaling ? { scaling } : {}) })]),
        );
        return 0;
      }
      const stretch: StretchName = stretchArg === 'zscale' ? 'linear' : (stretchArg as StretchName);
      const limits = parseLimits(values.limits, stretchArg);
      const { writeRaster } = await import('../../../src-workers/io/raster-file.js');
      if (colormap === 'grey') {
        const { pixels } = renderGrey(image, { stretch, limits });
        await writeRaster(output, pixels, { width: image.width, height: image.height, channels: 1 }, outKind);
      } else {
        const { pixels } = renderRgba(image, { stretch, limits, colormap, nanColor: [0, 0, 0, 255] });
        const rgb = new Uint8Array(image.width * image.height * 3);
        for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
          rgb[i] = pixels[j];
          rgb[i + 1] = pixels[j + 1];
          rgb[i + 2] = pixels[j + 2];
        }
        await writeRaster(output, rgb, { width: image.width, height: image.height, channels: 3 }, outKind);
      }
      return 0;
    }

    if (inFormat === 'png' || inFormat === 'jpeg' || inFormat === 'tiff') {
      if (outKind !== 'fits')
        throw new UsageError(`convert: ${inName} is already a ${inFormat.toUpperCase()} image; convert it to .fits`);
      const { rasterLuminance, readRaster } = await import('../../../src-workers/io/raster-file.js');
      const raster = await readRaster(input);
      const header = new FitsHeader();
      header.set('ORIGFMT', inFormat.toUpperCase(), 'format of the source image');
      header.set('ORIGBITS', raster.bitDepth, 'bits per sample of the source image');
      header.addHistory(`owb convert from ${inName}`);
      let hduOut;
      if (values.planes) {
        header.set(
          'CHANNELS',
          raster.channels === 1
            ? 'GREY'
            : raster.channels === 2
              ? 'GREY,ALPHA'
              : raster.channels === 3
                ? 'R,G,B'
                : 'R,G,B,ALPHA',
          'meaning of each NAXIS3 plane',
        );
        hduOut = cubeHdu(raster.width, raster.height, raster.planes, { header, bitpix: bitpix as -32 });
      } else {
        header.set(
          'CHANNELS',
          raster.channels >= 3 ? 'LUMINANCE' : 'GREY',
          raster.channels >= 3 ? 'Rec. 709 luminance of R,G,B' : undefined,
        );
        const data = rasterLuminance(raster);
        const scaling = storageScaling(data, bitpix, basename(output), header, ctx.stderr);
        hduOut = imageHdu(
          { width: raster.width, height: raster.height, data },
          { header, bitpix: bitpix as -32, ...(scaling ? { scaling } : {}) },
        );
      }
      await writeFileAtomic(output, encodeFits([hduOut]));
      return 0;
    }
    if (inFormat === 'empty') throw new InputError('EMPTY_FILE', `${inName}: file is empty (0 bytes)`);
    throw new InputError('UNKNOWN_FORMAT', `${inName}: not a FITS, PNG, JPEG or TIFF file`);
  },
};
