/** Options that `owb detect` and `owb photometry` share: --max-sources, --raster-transfer, --dry-run. */
import { basename } from 'node:path';
import { selectRows, type SourceCatalog } from '../../../src-workers/core/catalog/index.js';
import type { RasterTransfer } from '../../../src-workers/core/image/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { firstImageHdu, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { sniffFile } from '../../../src-workers/io/sniff.js';
import { UsageError } from '../cli-errors.js';

/** `--max-sources N` (or the option `name`): a positive integer, or undefined when not given. */
export function maxSourcesOption(text: string | undefined, name = 'max-sources'): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

/** `--raster-transfer srgb|linear` (any case). */
export function rasterTransferOption(text: string | undefined): RasterTransfer | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  if (t !== 'srgb' && t !== 'linear') throw new UsageError(`--raster-transfer must be srgb or linear, got '${text}'`);
  return t;
}

/**
 * The `n` sources of largest `flux_auto` (NaN counts as smallest; ties keep the earlier source), in
 * their detection order, like photutils' `brightest` but without reordering the catalog.
 */
export function brightest(cat: SourceCatalog, n: number): SourceCatalog {
  if (cat.count <= n) return cat;
  const key = (i: number): number => (Number.isNaN(cat.fluxAuto[i]) ? -Infinity : cat.fluxAuto[i]);
  const order = Array.from({ length: cat.count }, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
  return selectRows(
    cat,
    order.slice(0, n).sort((a, b) => a - b),
  );
}

/**
 * What `--dry-run` prints: the input's format and size (read from its header only) and the `action`.
 * Throws the same errors as a real run for an unreadable input or a missing HDU.
 */
export async function describeDryRun(file: string, hdu: number | undefined, action: string): Promise<string> {
  const name = basename(file);
  const format = await sniffFile(file);
  let what: string;
  if (format === 'png' || format === 'jpeg' || format === 'tiff') {
    const { readRasterInfo } = await import('../../../src-workers/io/raster-file.js');
    const info = await readRasterInfo(file);
    what = `${format.toUpperCase()} ${info.width}×${info.height}, ${info.channels} channel(s), ${info.bitDepth}-bit`;
  } else {
    const structure = await readFitsStructure(file);
    const index = hdu ?? firstImageHdu(structure.hdus);
    const h = structure.hdus[index];
    if (!h || h.kind !== 'image' || h.naxis.length < 2)
      throw new InputError('FITS_NO_IMAGE', `${name}: HDU ${index} is not a 2-D image`);
    what = `FITS HDU ${index}, ${h.naxis[0]}×${h.naxis[1]}`;
  }
  return `dry run: ${name} (${what}) is readable; would ${action}; nothing written\n`;
}
