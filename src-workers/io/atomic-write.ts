/**
 * Atomic file writes: the bytes go to a temporary file in the destination folder, are fsynced, and
 * the file is renamed over the destination, so readers never see a half-written file and a crash
 * leaves either the old file or the new one.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { InputError } from '../core/errors.js';

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = temporaryName(path);
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (error) {
    throw whyNotWritable(error, path);
  }
  try {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await fh.write(data, off, Math.min(data.length - off, 1 << 26), off);
      off += bytesWritten;
    }
    await fh.sync();
  } catch (error) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable where the platform allows fsync on a directory.
  try {
    const dh = await open(dir, 'r');
    await dh.sync().catch(() => undefined);
    await dh.close();
  } catch {
    /* directories cannot be opened for fsync on every platform */
  }
}

/**
 * `writeFileAtomic` without the fsyncs, for the many small files of a synthetic dataset (CSVs, snapshot,
 * injected frames and stamps): never half-written, but an fsync after thousands of fresh images would
 * wait for the whole write-back (seconds), and a resumed run re-verifies every file anyway.
 */
export function writeFileAtomicUnsynced(path: string, data: Uint8Array | string): void {
  const tmp = temporaryName(path);
  try {
    writeFileSync(tmp, data, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      /* not created, or already gone */
    }
    throw whyNotWritable(error, path);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the rename's error is the one to report */
    }
    throw error;
  }
}

let written = 0;

/**
 * A temporary name beside `path`, ending in `.tmp`, unique among live writers: process, thread and a
 * count of this thread's writes. (Not random bytes: node:crypto costs a short CLI run ≈ 4 ms to load.)
 * A name left by a crashed process whose id is reused is simply overwritten.
 */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${threadId}.${++written}.tmp`);
}

/** The error for a temporary file that could not be written, naming the file the user asked for. */
function whyNotWritable(error: unknown, path: string): unknown {
  const dir = dirname(path);
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT')
    return new InputError('NO_SUCH_FOLDER', `${basename(path)}: cannot write: folder ${dir} does not exist`);
  if (code === 'EACCES' || code === 'EROFS')
    return new InputError('NO_ACCESS', `${basename(path)}: cannot write: permission denied in ${dir}`);
  return error;
}
