/**
 * Recognising file formats by content, not by extension.
 */
import { open } from 'node:fs/promises';

export type SniffedFormat = 'fits' | 'gzip' | 'png' | 'jpeg' | 'tiff' | 'empty' | 'unknown';

/** Classifies the first bytes of a file. `gzip` may hold FITS (`.fits.gz`); inflate and sniff again. */
export function sniffBytes(head: Uint8Array): SniffedFormat {
  if (head.length === 0) return 'empty';
  const sig = (...b: number[]): boolean => b.every((v, i) => head[i] === v);
  if (sig(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (sig(0xff, 0xd8, 0xff)) return 'jpeg';
  if (sig(0x49, 0x49, 0x2a, 0x00) || sig(0x4d, 0x4d, 0x00, 0x2a) || sig(0x49, 0x49, 0x2b, 0x00) || sig(0x4d, 0x4d, 0x00, 0x2b)) return 'tiff';
  if (sig(0x1f, 0x8b)) return 'gzip';
  if (head.length >= 9 && String.fromCharCode(...head.subarray(0, 9)) === 'SIMPLE  =') return 'fits';
  return 'unknown';
}

/** Reads the first 16 bytes of `path` and classifies them. */
export async function sniffFile(path: string): Promise<SniffedFormat> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return sniffBytes(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
