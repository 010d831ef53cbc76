import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';

export const SNAPSHOT_FILE = 'config_snapshot.json';

/** `config_snapshot.json`: the full resolved configuration and how and when the dataset was made. */
export interface SynthSnapshot {
  tool: 'owb synth';
  toolVersion: string;
  nodeVersion: string;
  platform: string;
  /** `running` until every image and CSV is written. */
  status: 'running' | 'complete';
  startedAt: string;
  finishedAt?: string;
  /** Each (re)start of a run into this folder. */
  runs: Array<{ startedAt: string; workers: number; written: number; reused: number; repaired: number }>;
  configFile?: string;
  seedDerivation: string;
  counts: { train: number; test: number; trainLens: number; testLens: number };
  config: SynthConfig;
  /**
   * The established generator's provenance block, in its snake_case spelling: when the set was made
   * (ISO 8601 UTC; `end_time` null while running), by which tool and version, on which platform.
   */
  generation_metadata: GenerationMetadata;
}

/** `config_snapshot.json`'s `generation_metadata`. */
export interface GenerationMetadata {
  start_time: string;
  end_time: string | null;
  tool: string;
  tool_version: string;
  /** `os.platform()-os.arch()`, e.g. `linux-x64`. */
  platform: string;
  os_release: string;
  node_version: string;
}

/** Reads the snapshot of `outDir`, or `undefined` when there is none. */
export function readSnapshot(outDir: string): SynthSnapshot | undefined {
  const path = join(outDir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SynthSnapshot;
  } catch {
    throw new InputError('SYNTH_SNAPSHOT', `${path}: not valid JSON; remove it or choose another --out`);
  }
}

/**
 * The snapshot of an earlier run in `outDir` to resume (`undefined` for a fresh folder); refuses a folder
 * made with a different configuration, naming the first key that differs.
 */
export function resumableSnapshot(outDir: string, config: SynthConfig): SynthSnapshot | undefined {
  const previous = readSnapshot(outDir);
  const diff = previous && firstDifference(config, previous.config);
  if (diff) {
    throw new InputError(
      'SYNTH_MISMATCH',
      `${outDir} holds a dataset made with a different configuration (${diff}); choose another --out or remove it`,
    );
  }
  return previous;
}

/**
 * The snapshot of a run that is starting: carries over the start time, earlier runs and config file of
 * a `previous` (resumed) run, and records this tool, Node and platform.
 */
export function startSnapshot(fields: {
  toolVersion: string;
  startedAt: string;
  previous: SynthSnapshot | undefined;
  configFile: string | undefined;
  seedDerivation: string;
  counts: SynthSnapshot['counts'];
  config: SynthConfig;
}): SynthSnapshot {
  const { previous } = fields;
  const startedAt = previous?.startedAt ?? fields.startedAt;
  return {
    tool: 'owb synth',
    toolVersion: fields.toolVersion,
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    status: 'running',
    startedAt,
    runs: previous?.runs ?? [],
    configFile: fields.configFile ? resolve(fields.configFile) : previous?.configFile,
    seedDerivation: fields.seedDerivation,
    counts: fields.counts,
    config: fields.config,
    generation_metadata: {
      start_time: startedAt,
      end_time: null,
      tool: 'owb synth',
      tool_version: fields.toolVersion,
      platform: `${process.platform}-${process.arch}`,
      os_release: release(),
      node_version: process.version,
    },
  };
}

/** Marks `snapshot` complete at `finishedAt` (ISO 8601 UTC), in both its own and the established spelling. */
export function completeSnapshot(snapshot: SynthSnapshot, finishedAt: string): void {
  snapshot.status = 'complete';
  snapshot.finishedAt = finishedAt;
  snapshot.generation_metadata = { ...snapshot.generation_metadata, end_time: finishedAt };
}

/** Writes the snapshot atomically. */
export function writeSnapshot(outDir: string, snapshot: SynthSnapshot): void {
  writeFileAtomicUnsynced(join(outDir, SNAPSHOT_FILE), `${JSON.stringify(snapshot, null, 2)}\n`);
}

/** The first `Section.key` whose value differs between two configurations, or `undefined`. */
export function firstDifference(a: SynthConfig, b: SynthConfig): string | undefined {
  for (const section of Object.keys(a) as Array<keyof SynthConfig>) {
    const sa = a[section] as unknown as Record<string, unknown>;
    const sb = (b[section] ?? {}) as unknown as Record<string, unknown>;
    for (const key of Object.keys(sa)) {
      if (sa[key] !== sb[key])
        return `${section}.${key}: ${JSON.stringify(sb[key])} there, ${JSON.stringify(sa[key])} now`;
    }
  }
  return undefined;
}
