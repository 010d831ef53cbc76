/**
 * Verifying DATASUM/CHECKSUM of a parsed HDU (FITS Standard 4.0, Appendix J).
 */
import { onesComplementSum } from './checksum.js';
import { BLOCK, type FitsHdu } from './parse.js';

export interface ChecksumReport {
  /** `undefined` when the keyword is absent. */
  datasumOk?: boolean;
  checksumOk?: boolean;
}

/**
 * Checks an HDU's DATASUM and CHECKSUM against `file`, the whole buffer it was parsed from.
 * The data's block padding is included in the sums, as the standard requires.
 */
export function verifyChecksums(file: Uint8Array, hdu: FitsHdu): ChecksumReport {
  const report: ChecksumReport = {};
  const dataEnd = Math.min(file.length, hdu.dataOffset + Math.ceil(hdu.dataBytes / BLOCK) * BLOCK);
  const dataSum = onesComplementSum(file.subarray(hdu.dataOffset, dataEnd));
  const datasum = hdu.header.get('DATASUM');
  if (datasum !== undefined) report.datasumOk = Number(datasum) === dataSum;
  if (hdu.header.has('CHECKSUM')) {
    const total = onesComplementSum(file.subarray(hdu.headerOffset, dataEnd));
    report.checksumOk = total === 0xffffffff;
  }
  return report;
}
