/**
 * CHECKSUM/DATASUM verification of a FITS file on disk (FITS Standard 4.0, Appendix J), plain or gzip,
 * in bounded memory: each HDU's header and data blocks are summed in chunks of whole FITS blocks, so the
 * ones' complement sums never see a partial word before the end of an HDU.
 */
import {
  BLOCK,
  checkHduSums,
  hasChecksumKeys,
  onesComplementSum,
  summarizeChecksums,
  type ChecksumReport,
  type ChecksumState,
  type FitsHdu,
} from '../core/fits/index.js';
import { openSource, scan } from './fits-file.js';

/** Bytes summed per read [1456 FITS blocks, about 4 MiB]; a whole number of blocks keeps words aligned. */
const CHUNK_BYTES = BLOCK * 1456;

export interface FileChecksums {
  state: ChecksumState;
  /** One report per HDU, by index. */
  hdus: ChecksumReport[];
  /** One phrase per mismatch, naming the HDU and the keyword. */
  problems: string[];
}

/**
 * Verifies every HDU of `path` that carries CHECKSUM or DATASUM; HDUs without them are not read, so a
 * file without any costs only its headers. `hdus`, when the caller already scanned the file, saves the
 * second header walk.
 */
export async function verifyFileChecksums(path: string, hdus?: readonly FitsHdu[]): Promise<FileChecksums> {
  const src = await openSource(path);
  try {
    const list = hdus ?? (await scan(src)).hdus;
    const reports: ChecksumReport[] = [];
    for (const hdu of list) {
      if (!hasChecksumKeys(hdu.header)) {
        reports.push({});
        continue;
      }
      const dataEnd = Math.min(src.size, hdu.dataOffset + Math.ceil(hdu.dataBytes / BLOCK) * BLOCK);
      const headerSum = await sumRange(src, hdu.headerOffset, hdu.dataOffset);
      const dataSum = await sumRange(src, hdu.dataOffset, dataEnd);
      reports.push(checkHduSums(hdu.header, headerSum, dataSum));
    }
    return { ...summarizeChecksums(reports), hdus: reports };
  } finally {
    await src.close();
  }
}

async function sumRange(
  src: { read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> },
  start: number,
  end: number,
): Promise<number> {
  let sum = 0;
  const buffer = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(0, end - start)));
  for (let at = start; at < end; at += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, end - at);
    sum = onesComplementSum(await src.read(at, length, buffer.subarray(0, length)), sum);
  }
  return sum;
}
