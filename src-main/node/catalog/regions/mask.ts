/** A region file as a detection mask over one frame. */
import { InputError } from '../../../../src-workers/core/errors.js';
import type { KeywordSource } from '../../../../src-workers/core/wcs/index.js';
import { parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { readRegionFile } from './read.js';
import { RegionSelection } from './select.js';

/**
 * The pixels of a `width × height` frame selected by the regions of `path` (1 = masked), OR-ed into `base` (a
 * bad-pixel mask) when given. Sky regions use the frame's WCS from `header`. Bad files and sky regions on a
 * frame without a WCS are `InputError`s naming the file and line (the CLI exits 2).
 */
export async function regionMask(
  path: string,
  width: number,
  height: number,
  header: KeywordSource,
  base?: Uint8Array,
): Promise<{ mask: Uint8Array; maskedPx: number }> {
  try {
    const file = await readRegionFile(path);
    const parsed = parseCelestialWcs(header);
    const mask = new RegionSelection(file.regions).mask(width, height, 'wcs' in parsed ? parsed.wcs : undefined);
    let maskedPx = 0;
    for (let i = 0; i < mask.length; i++) {
      if (base?.[i]) mask[i] = 1;
      maskedPx += mask[i];
    }
    return { mask, maskedPx };
  } catch (e) {
    if (e instanceof RangeError)
      throw new InputError('BAD_REGION', e.message.startsWith(path) ? e.message : `${path}: ${e.message}`);
    throw e;
  }
}
