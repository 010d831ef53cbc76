import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { errorMessage } from '../../common/file-errors.js';
import { isHiddenOrTemporary, wantsFile } from '../watch/file-filter.js';

/** What `owb batch plan` writes: every file of the folders, each assigned to one shard by a hash of its path. */
export interface BatchPlan {
  format: 'owb-batch-plan';
  version: 1;
  /** Absolute folder the file paths are relative to: the deepest folder holding every planned folder. */
  root: string;
  /** Number of shards (Slurm array tasks); shard indices are 0 … shards − 1. */
  shards: number;
  /** Sorted by path; `path` is relative to `root` with '/' separators. */
  files: Array<{ path: string; shard: number }>;
}

/** A plan file that cannot be used: the message names the file and the problem. */
export class BatchPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchPlanError';
  }
}

/** Most shards a plan may have (a Slurm array's default MaxArraySize is 1001). */
export const MAX_SHARDS = 100_000;

/**
 * The shard of a file: the first 32 bits of SHA-256 of its path relative to the plan root ('/' separators,
 * UTF-8), modulo `shards`. It depends on nothing else (not the file order, the machine or the run), so the
 * same folders give the same plan every time and a file keeps its shard when others are added.
 */
export function shardOf(relativePath: string, shards: number): number {
  const digest = createHash('sha256').update(relativePath, 'utf8').digest();
  return digest.readUInt32BE(0) % shards;
}

/** The deepest common folder of absolute paths. */
function commonRoot(dirs: readonly string[]): string {
  let parts = dirs[0].split(sep);
  for (const d of dirs.slice(1)) {
    const other = d.split(sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

/**
 * Plans a batch: lists the wanted files of `dirs` (recursively, as `owb watch` scans them: hidden and
 * temporary files skipped, symbolic links not followed, file names matching `patterns`) and assigns each to
 * a shard with `shardOf`. A folder that cannot be read throws a `BatchPlanError` naming it.
 */
export async function buildPlan(
  dirs: readonly string[],
  shards: number,
  patterns: readonly string[],
): Promise<BatchPlan> {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)
    throw new BatchPlanError(`shards must be an integer from 1 to ${MAX_SHARDS}, got ${shards}`);
  if (dirs.length === 0) throw new BatchPlanError('give at least one folder to plan');
  const roots = dirs.map((d) => resolve(d));
  const root = commonRoot(roots);
  const found = new Set<string>();
  const walk = async (top: string, dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new BatchPlanError(errorMessage(error));
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (isHiddenOrTemporary(path, top)) continue;
      if (e.isDirectory()) await walk(top, path);
      else if (e.isFile() && wantsFile(path, patterns, top)) found.add(relative(root, path).split(sep).join('/'));
    }
  };
  for (const top of roots) {
    const info = await stat(top).catch((error: unknown) => {
      throw new BatchPlanError(errorMessage(error));
    });
    if (!info.isDirectory()) throw new BatchPlanError(`${top}: not a folder`);
    await walk(top, top);
  }
  // Code-unit order, not locale order: the plan must not change with the machine's language settings.
  const files = [...found]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((path) => ({ path, shard: shardOf(path, shards) }));
  return { format: 'owb-batch-plan', version: 1, root, shards, files };
}

/** The plan as its file holds it: stable JSON, one file a line, so two plans of the same folders diff cleanly. */
export function formatPlan(plan: BatchPlan): string {
  const head = JSON.stringify({ format: plan.format, version: plan.version, root: plan.root, shards: plan.shards });
  const files = plan.files.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  return `${head.slice(0, -1)},\n  "files": [\n${files}${files ? '\n' : ''}  ]\n}\n`;
}

/** Reads and checks a plan file; every problem is a `BatchPlanError` naming the file. */
export async function readPlan(file: string): Promise<BatchPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BatchPlanError(errorMessage(error));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BatchPlanError(`${file}: not a JSON batch plan (${(error as Error).message})`);
  }
  const bad = (problem: string): never => {
    throw new BatchPlanError(`${file}: ${problem}`);
  };
  const p = value as Partial<BatchPlan> | null;
  if (!p || typeof p !== 'object' || p.format !== 'owb-batch-plan')
    bad('not a batch plan (no "format": "owb-batch-plan")');
  if (p!.version !== 1) bad(`plan version ${String(p!.version)} is not supported (expected 1)`);
  if (typeof p!.root !== 'string' || !isAbsolute(p!.root)) bad('"root" must be an absolute folder');
  const shards = p!.shards;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)
    bad(`"shards" must be an integer from 1 to ${MAX_SHARDS}`);
  if (!Array.isArray(p!.files)) bad('"files" must be a list');
  for (const [i, f] of p!.files!.entries()) {
    const where = `files[${i}]`;
    if (!f || typeof f.path !== 'string' || f.path === '') bad(`${where}: "path" must be a non-empty string`);
    if (posix.isAbsolute(f.path) || f.path.split('/').includes('..') || f.path.includes('\\'))
      bad(`${where}: path '${f.path}' must stay inside the plan root (relative, no '..')`);
    if (!Number.isInteger(f.shard) || f.shard < 0 || f.shard >= shards!)
      bad(`${where}: shard ${String(f.shard)} is outside 0…${shards! - 1}`);
  }
  return { format: 'owb-batch-plan', version: 1, root: p!.root!, shards: shards!, files: p!.files! };
}

/** Absolute paths of one shard's files, in plan order. */
export function shardFiles(plan: BatchPlan, shard: number): string[] {
  return plan.files.filter((f) => f.shard === shard).map((f) => join(plan.root, ...f.path.split('/')));
}
