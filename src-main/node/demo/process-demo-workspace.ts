import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Catalog } from '../catalog/index.js';
import { recordTransientCandidates } from '../diff/record-candidates.js';
import { runDifference } from '../diff/run-difference.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { defaultProfile } from '../pipeline/profile.js';
import { WatchService } from '../watch/index.js';
import type { DemoWorkspace } from './create-demo-workspace.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export interface DemoProcessOptions {
  interactive?: boolean;
  threads?: number;
  onStatus?: (status: { done: number; total: number; label: string }) => void;
}

/**
 * Runs the default profile once over the demo frames into `catalog.db` (the same service as
 * `owb watch --once`) and returns a readable summary: frames by type, and for each light how many
 * sources were found, their median FWHM and, for the simulated lights, the recall of truth stars.
 */
export async function processDemoWorkspace(
  workspace: DemoWorkspace,
  options: DemoProcessOptions = {},
): Promise<string> {
  const catalog = Catalog.open(workspace.catalogPath);
  try {
    const service = new WatchService({
      catalog,
      dirs: [workspace.framesDir],
      profile: defaultProfile(),
      threads: options.threads,
      once: true,
      workspace: workspace.dir,
    });
    const timer = setInterval(() => {
      const s = service.status();
      options.onStatus?.({
        done: s.done + s.failed,
        total: s.queued + s.running + s.done + s.failed,
        label: 'processing',
      });
    }, 200);
    let status;
    try {
      status = await service.runOnce();
    } finally {
      clearInterval(timer);
      await service.stop();
    }
    const pool = new WorkerPool({ threads: 1 });
    let transients: string;
    try {
      transients = await findDemoTransients(catalog, pool, workspace);
    } finally {
      await pool.destroy();
    }
    return `${summarise(catalog, workspace, status.failed)}\n\n${transients}`;
  } finally {
    catalog.close();
  }
}

/**
 * Differences every simulated light against the first one and records the residuals as transient
 * candidates (science, aligned reference and difference under `diff/`), so the curation view has real
 * candidates to review. Returns one summary line per light.
 */
async function findDemoTransients(catalog: Catalog, pool: WorkerPool, workspace: DemoWorkspace): Promise<string> {
  const lights = workspace.simulatedFrames.filter((p) => /light_V_\d+\.fits$/.test(p)).sort();
  if (lights.length < 2) return '';
  const diffDir = join(workspace.dir, 'diff');
  makeDirs(diffDir);
  const lines = [
    `Transients: differences against ${basename(lights[0])} (owb diff), recorded as candidates for curation`,
  ];
  for (const science of lights.slice(1)) {
    const stem = basename(science, '.fits');
    const run = await runDifference(pool, {
      sciencePath: science,
      referencePath: lights[0],
      differencePath: join(diffDir, `${stem}_diff.fits`),
      alignedReferencePath: join(diffDir, `${stem}_ref.fits`),
    });
    await recordTransientCandidates(catalog, run);
    const top = run.candidates[0];
    lines.push(
      `  ${basename(science).padEnd(20)} ${String(run.candidates.length).padStart(3)} candidates` +
        (top
          ? `; strongest ${top.sign > 0 ? '+' : '-'} at x=${top.x.toFixed(1)} y=${top.y.toFixed(1)} snr=${top.snr.toFixed(0)}`
          : ''),
    );
  }
  return lines.join('\n');
}

function summarise(catalog: Catalog, workspace: DemoWorkspace, failed: number): string {
  const frames = catalog.listFrames({ limit: 1000, sort: 'file_name' });
  const byType = new Map<string, number>();
  for (const f of frames) byType.set(f.frameType, (byType.get(f.frameType) ?? 0) + 1);
  const lines = [
    `Catalog ${workspace.catalogPath}: ${frames.length} frames (${[...byType].map(([t, n]) => `${n} ${t}`).join(', ')})` +
      (failed ? `, ${failed} failed (see 'owb db stats')` : ''),
    '',
    `${'frame'.padEnd(38)} ${'type'.padEnd(7)} ${'size'.padEnd(9)} ${'sources'.padStart(7)} ${'FWHM px'.padStart(8)} ${'recall'.padStart(7)}`,
  ];
  for (const f of frames) {
    const sources = f.sourceCount ?? 0;
    let fwhm = '';
    let recall = '';
    if (f.frameType === 'light' || f.frameType === 'unknown') {
      const rows = catalog.sourcesOfFrame(f.id, { limit: 1_000_000 });
      const values = rows
        .map((r) => r.fwhm)
        .filter((v): v is number => v !== null && Number.isFinite(v))
        .sort((a, b) => a - b);
      if (values.length) fwhm = values[Math.floor(values.length / 2)].toFixed(2);
      const truth = readTruth(join(workspace.dir, 'truth', basename(f.fileName).replace(/\.fits$/, '.csv')));
      if (truth) recall = truthRecall(truth, rows).toFixed(3);
    }
    lines.push(
      `${f.fileName.slice(0, 38).padEnd(38)} ${f.frameType.slice(0, 7).padEnd(7)} ${`${f.width ?? '?'}x${f.height ?? '?'}`.padEnd(9)} ` +
        `${String(sources).padStart(7)} ${fwhm.padStart(8)} ${recall.padStart(7)}`,
    );
  }
  lines.push(
    '',
    "recall: fraction of the simulated stars brighter than 5000 ADU found within 1 px ('owb catalog sources --db …' lists them).",
  );
  return lines.join('\n');
}

function readTruth(path: string): Array<{ x: number; y: number; flux: number }> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [x, y, flux] = line.split(',').map(Number);
      return { x, y, flux };
    });
}

function truthRecall(
  truth: Array<{ x: number; y: number; flux: number }>,
  found: Array<{ x: number; y: number }>,
): number {
  const bright = truth.filter((t) => t.flux > 5000);
  if (bright.length === 0) return Number.NaN;
  let hits = 0;
  for (const t of bright) if (found.some((s) => Math.abs(s.x - t.x) < 1 && Math.abs(s.y - t.y) < 1)) hits++;
  return hits / bright.length;
}
