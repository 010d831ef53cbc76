/**
 * Recognising file formats by content, not by extension.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';

export type SniffedFormat = 'fits' | 'gzip' | 'png' | 'jpeg' | 'tiff' | 'empty' | 'unknown';

/** Classifies the first bytes of a file. `gzip` may hold FITS (`.fits.gz`); inflate and sniff again. */
export function sniffBytes(head: Uint8Array): SniffedFormat {
  if (head.length === 0) return 'empty';
  const sig = (...b: number[]): boolean => b.every((v, i) => head[i] === v);
  if (sig(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (sig(0xff, 0xd8, 0xff)) return 'jpeg';
  if (
    sig(0x49, 0x49, 0x2a, 0x00) ||
    sig(0x4d, 0x4d, 0x00, 0x2a) ||
    sig(0x49, 0x49, 0x2b, 0x00) ||
    sig(0x4d, 0x4d, 0x00, 0x2b)
  )
    return 'tiff';
  if (sig(0x1f, 0x8b)) return 'gzip';
  if (head.length >= 9 && String.fromCharCode(...head.subarray(0, 9)) === 'SIMPLE  =') return 'fits';
  return 'unknown';
}

/** Reads the first 16 bytes of `path` and classifies them. */
export async function sniffFile(path: string): Promise<SniffedFormat> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = basename(path);
    if (code === 'ENOENT') throw new InputError('NO_SUCH_FILE', `${name}: no such file`);
    if (code === 'EACCES') throw new InputError('NO_ACCESS', `${name}: permission denied`);
    throw error;
  }
  try {
    const buf = new Uint8Array(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return sniffBytes(buf.subarray(0, bytesRead));
  } catch (error) {
    if ((error as { code?: string }).code === 'EISDIR')
      throw new InputError('IS_DIRECTORY', `${basename(path)}: is a directory`);
    throw error;
  } finally {
    await fh.close();
  }
}
