/**
 * Exact statistics of a FITS image HDU in bounded memory: the data are read in chunks of
 * `CHUNK_PIXELS`, decoded to float64 physical values and fed to `core/stats/streaming` over its few
 * passes, so a 1 GiB image (plain or gzip-compressed) costs a few MiB, not 4 GiB of float32 pixels.
 * Cubes count every plane. Tile-compressed images are decoded whole (their size is bounded by the tile
 * reader) and fed as one chunk.
 */
import { InputError } from '../core/errors.js';
import { scalingFromHeader } from '../core/fits/index.js';
import { decodePixels64 } from '../core/fits/pixels64.js';
import { StreamingStats, type StreamedStats } from '../core/stats/streaming.js';
import { openSource, readFitsImage, scan } from './fits-file.js';

/** Pixels decoded per chunk [1 Mi: 8 MiB of float64 plus the raw bytes]. */
const CHUNK_PIXELS = 1 << 20;

/** Statistics of the physical values of image HDU `hdu` of `path`, with NaN and ±Inf counted apart. */
export async function readImageStats(path: string, hdu: number): Promise<StreamedStats> {
  const src = await openSource(path);
  const stats = new StreamingStats();
  try {
    const { hdus } = await scan(src, hdu);
    const h = hdus[hdu];
    if (!h) throw new InputError('FITS_NO_HDU', `${src.name}: has no HDU ${hdu} (it has ${hdus.length})`);
    if (h.kind !== 'image')
      throw new InputError('FITS_NOT_IMAGE', `${src.name}: HDU ${hdu} is a ${h.kind}, not an image`);
    if (h.compressed) {
      const { image } = await readFitsImage(path, { hdu });
      const values = Float64Array.from(image.data);
      do stats.add(values);
      while (stats.endPass());
      return stats.result();
    }
    const total = h.naxis.reduce((a, b) => a * b, 1);
    const bytesPer = Math.abs(h.bitpix) / 8;
    const scaling = scalingFromHeader(h.header);
    const raw = new Uint8Array(Math.min(total, CHUNK_PIXELS) * bytesPer);
    const values = new Float64Array(Math.min(total, CHUNK_PIXELS));
    do {
      for (let done = 0; done < total; done += CHUNK_PIXELS) {
        const count = Math.min(CHUNK_PIXELS, total - done);
        const bytes = await src.read(
          h.dataOffset + done * bytesPer,
          count * bytesPer,
          raw.subarray(0, count * bytesPer),
        );
        decodePixels64(bytes, h.bitpix, count, scaling, values);
        stats.add(count === values.length ? values : values.subarray(0, count));
      }
    } while (stats.endPass());
    return stats.result();
  } finally {
    await src.close();
  }
}
