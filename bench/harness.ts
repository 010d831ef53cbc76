import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One printed benchmark row: our tool or a reference tool on one task, in the same run. */
export interface BenchRow {
  suite: string;
  task: string;
  tool: string;
  wallSec?: number;
  peakMB?: number;
  /** Free-form accuracy or throughput figures, e.g. { recall: 0.95, 'img/s': 1700 }. */
  metrics?: Record<string, number | string>;
  /** Our time ÷ the reference's time, or the reference's rate ÷ ours; printed as given. */
  ratio?: string;
  note?: string;
}

export interface Measured {
  wallSec: number;
  /** User + system CPU seconds of the process tree. */
  cpuSec: number;
  peakMB: number;
  status: number;
  stdout: string;
  stderr: string;
}

export interface BenchContext {
  /** Repository root. */
  root: string;
  /** `../shared` beside the checkout (bench kit, real data). */
  shared: string;
  /** Cache folder for generated inputs (`bench-data/`, git-ignored); reused across runs. */
  dataDir: string;
  /** Debian's interpreter with astropy, photutils, sep, astroscrappy, astroalign. */
  python: string;
  /** `OWB_BENCH_QUICK=1`: smaller inputs for a smoke run. */
  quick: boolean;
  row(row: BenchRow): void;
  /** Runs a command as a child and measures wall time and peak RSS (of the largest process in its tree). */
  measure(command: string, args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Measured;
  /** `node bin/owb.js …` measured like any reference tool. */
  owb(args: string[]): Measured;
}

const here = dirname(fileURLToPath(import.meta.url));
const MEASURE_PY = `
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_kb = usage.ru_maxrss
sys.stdout.write(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": peak_kb, "status": p.returncode, "stdout": p.stdout[-200000:], "stderr": p.stderr[-20000:]}))
`;

export function createContext(rows: BenchRow[]): BenchContext {
  const root = resolve(here, '..');
  // The shared kit sits beside the checkout, or beside its parent for a worktree under wt/.
  const besideRoot = resolve(root, '..', 'shared');
  const shared = existsSync(besideRoot) ? besideRoot : resolve(root, '..', '..', 'shared');
  const dataDir = join(root, 'bench-data');
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const measure = (
    command: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): Measured => {
    const result = spawnSync(python, ['-c', MEASURE_PY, command, ...args], {
      cwd: options.cwd ?? root,
      env: options.env ?? process.env,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (result.status !== 0) throw new Error(`measure ${command} failed: ${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as {
      wall: number;
      cpu: number;
      peak_kb: number;
      status: number;
      stdout: string;
      stderr: string;
    };
    return {
      wallSec: parsed.wall,
      cpuSec: parsed.cpu,
      peakMB: parsed.peak_kb / 1024,
      status: parsed.status,
      stdout: parsed.stdout,
      stderr: parsed.stderr,
    };
  };
  return {
    root,
    shared,
    dataDir,
    python,
    quick: process.env.OWB_BENCH_QUICK === '1',
    row: (row) => {
      rows.push(row);
      printRow(row);
    },
    measure,
    owb: (args) => measure(process.execPath, [join(root, 'bin', 'owb.js'), ...args]),
  };
}

export function printRow(row: BenchRow): void {
  const parts = [
    `[${row.suite}] ${row.task}`.padEnd(44),
    row.tool.padEnd(22),
    row.wallSec !== undefined ? `${row.wallSec.toFixed(3)} s`.padStart(10) : ''.padStart(10),
    row.peakMB !== undefined ? `${row.peakMB.toFixed(0)} MB`.padStart(8) : ''.padStart(8),
    row.ratio ? `ratio ${row.ratio}` : '',
    row.metrics
      ? Object.entries(row.metrics)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
          .join(' ')
      : '',
    row.note ?? '',
  ];
  console.log(parts.filter(Boolean).join('  '));
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}
