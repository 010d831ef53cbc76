/**
 * Tile-compressed images (FITS Standard 4.0 §10; Pence et al. 2009 "Tiled image convention").
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { FitsHdu } from './parse.js';

export interface CompressedReadOptions {
  /** Inflates a zlib or gzip stream; bounded by `limit` output bytes. Injected so core stays pure. */
  inflate: (bytes: Uint8Array, limit: number) => Uint8Array;
  fileName?: string;
  rowStart?: number;
  rowCount?: number;
  warn?: (message: string) => void;
}

export function decodeCompressedImage(hdu: FitsHdu, options: CompressedReadOptions): Image {
  throw new InputError('FITS_UNSUPPORTED', `${options.fileName ?? 'input'}: HDU ${hdu.index}: tile compression not yet supported`);
}
