import type { Image } from '../../../src-workers/core/image/image.js';
import { parseCelestialWcs, recordSource, type SkyWcs } from '../../../src-workers/core/wcs/index.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import type { PixelsDto } from '../../common/workbench-dto.js';
import type { WorkbenchServices } from './services.js';

/** The header's celestial WCS (ICRS sky positions), or null when it has none usable. */
export function wcsOf(header: FitsHeader): SkyWcs | null {
  try {
    const parsed = parseCelestialWcs(recordSource(header.toRecord()));
    return 'wcs' in parsed ? parsed.wcs : null;
  } catch {
    return null;
  }
}

function bilinear(image: Image, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < 0 || y0 < 0 || x0 + 1 >= image.width || y0 + 1 >= image.height) return Number.NaN;
  const fx = x - x0;
  const fy = y - y0;
  const d = image.data;
  const i = y0 * image.width + x0;
  return (
    (d[i] * (1 - fx) + d[i + 1] * fx) * (1 - fy) + (d[i + image.width] * (1 - fx) + d[i + image.width + 1] * fx) * fy
  );
}

function median(values: Float32Array): number {
  const finite = values.filter((v) => v === v).sort();
  return finite.length ? finite[finite.length >> 1] : 0;
}

/**
 * Quick-look reference and difference stamps for a detection: the same sky, resampled (bilinear, through
 * both frames' WCS) from the earliest other frame of the same type and filter that covers it, and the
 * background-matched difference science − reference. No PSF matching or flux scaling: it shows what
 * changed, the pipeline's difference imaging measures it.
 */
export async function referenceStamps(
  services: WorkbenchServices,
  frameId: number,
  science: { image: Image; header: FitsHeader },
  x: number,
  y: number,
  size: number,
): Promise<{ reference: PixelsDto; difference: PixelsDto } | null> {
  const sciWcs = wcsOf(science.header);
  if (!sciWcs) return null;
  const candidates = await services.sql.all<{ id: number; path: string }>(
    `SELECT f.id, f.path FROM frames f, frames s
      WHERE s.id = ? AND f.id <> s.id AND f.frame_type = s.frame_type AND COALESCE(f.filter, '') = COALESCE(s.filter, '')
      ORDER BY COALESCE(f.mjd, 1e9), f.id LIMIT 4`,
    [frameId],
  );
  const half = Math.floor(size / 2);
  const x0 = Math.round(x) - half;
  const y0 = Math.round(y) - half;
  for (const candidate of candidates) {
    let loaded;
    try {
      loaded = await services.images.get(candidate.path);
    } catch {
      continue;
    }
    const refWcs = wcsOf(loaded.header);
    if (!refWcs) continue;
    const [cx, cy] = refWcs.skyToPixel(...sciWcs.pixelToSky(x, y));
    if (!(cx >= 0 && cy >= 0 && cx < loaded.image.width && cy < loaded.image.height)) continue;
    const reference = new Float32Array(size * size);
    const sci = new Float32Array(size * size);
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const sx = x0 + i;
        const sy = y0 + j;
        const [ra, dec] = sciWcs.pixelToSky(sx, sy);
        const [rx, ry] = refWcs.skyToPixel(ra, dec);
        reference[j * size + i] = bilinear(loaded.image, rx, ry);
        sci[j * size + i] =
          sx >= 0 && sy >= 0 && sx < science.image.width && sy < science.image.height
            ? science.image.data[sy * science.image.width + sx]
            : Number.NaN;
      }
    }
    const offset = median(sci) - median(reference);
    const difference = new Float32Array(size * size);
    for (let k = 0; k < difference.length; k++) difference[k] = sci[k] - (reference[k] + offset);
    return {
      reference: { width: size, height: size, binning: 1, data: reference },
      difference: { width: size, height: size, binning: 1, data: difference },
    };
  }
  return null;
}
