/**
 * Verifying DATASUM/CHECKSUM of a parsed HDU (FITS Standard 4.0, Appendix J).
 */
import { addSums, onesComplementSum } from './checksum.js';
import type { FitsHeader } from './header.js';
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
  const dataEnd = Math.min(file.length, hdu.dataOffset + Math.ceil(hdu.dataBytes / BLOCK) * BLOCK);
  return checkHduSums(
    hdu.header,
    onesComplementSum(file.subarray(hdu.headerOffset, hdu.dataOffset)),
    onesComplementSum(file.subarray(hdu.dataOffset, dataEnd)),
  );
}

/**
 * The verdict on one HDU from the 32-bit ones' complement sums of its header blocks (`headerSum`) and of
 * its data blocks with their padding (`dataSum`), as {@link onesComplementSum} computes them: DATASUM must
 * equal the data sum, and header plus data must sum to −0 (0xffffffff) when CHECKSUM is present
 * (FITS Standard 4.0, Appendix J). Lets a reader sum a file in chunks of its own choosing.
 */
export function checkHduSums(header: FitsHeader, headerSum: number, dataSum: number): ChecksumReport {
  const report: ChecksumReport = {};
  const datasum = header.get('DATASUM');
  if (datasum !== undefined) report.datasumOk = Number(String(datasum).trim()) === dataSum;
  if (header.has('CHECKSUM')) report.checksumOk = addSums(headerSum, dataSum) === 0xffffffff;
  return report;
}

/** A file's checksum verdict: `ok` (every CHECKSUM/DATASUM present matches), `bad` (one does not), `absent`. */
export type ChecksumState = 'ok' | 'bad' | 'absent';

/** True when the header carries CHECKSUM or DATASUM, so that there is something to verify. */
export function hasChecksumKeys(header: FitsHeader): boolean {
  return header.has('CHECKSUM') || header.has('DATASUM');
}

/**
 * Sums up per-HDU reports (index i = HDU i): the state, and one phrase per mismatch naming the HDU and
 * the keyword (`HDU 1: DATASUM does not match the data`), for warnings and the catalog.
 */
export function summarizeChecksums(reports: readonly ChecksumReport[]): { state: ChecksumState; problems: string[] } {
  const problems: string[] = [];
  let present = false;
  reports.forEach((r, index) => {
    if (r.datasumOk !== undefined || r.checksumOk !== undefined) present = true;
    if (r.datasumOk === false) problems.push(`HDU ${index}: DATASUM does not match the data`);
    if (r.checksumOk === false && r.datasumOk !== false)
      problems.push(`HDU ${index}: CHECKSUM does not match (the header or the data changed after it was written)`);
    else if (r.checksumOk === false) problems.push(`HDU ${index}: CHECKSUM does not match`);
  });
  return { state: problems.length ? 'bad' : present ? 'ok' : 'absent', problems };
}
