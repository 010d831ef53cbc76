import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const SMALL_FILE_BYTES = 32 * 1024 * 1024;

/** SHA-256 of a file's bytes (hex): the identity of a frame, whatever its name or folder. */
export async function contentHash(path: string, sizeBytes: number): Promise<string> {
  const hash = createHash('sha256');
  if (sizeBytes <= SMALL_FILE_BYTES) {
    hash.update(await readFile(path));
    return hash.digest('hex');
  }
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
