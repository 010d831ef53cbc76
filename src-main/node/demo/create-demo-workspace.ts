import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulateNight } from '../../../src-workers/core/simulate/index.js';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { assetPath } from '../paths.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export interface DemoWorkspace {
  dir: string;
  /** Folder the demo watches and processes (holds `real/` and the simulated night). */
  framesDir: string;
  catalogPath: string;
  realFrames: string[];
  simulatedFrames: string[];
}

export const DEMO_NIGHT_FOLDER = 'night-2026-03-14';

/**
 * Lays out a demo workspace: the bundled real frames under `frames/real/`, a seeded simulated night
 * (bias, darks, flats, drifting lights with a transient) under `frames/night-…/`, truth catalogs of the
 * simulated lights under `truth/`, and `workspace.json` naming the catalog. Existing files are kept, so
 * running it twice is harmless.
 */
export async function createDemoWorkspace(
  dirArg: string,
  onProgress?: (done: number, total: number, label: string) => void,
): Promise<DemoWorkspace> {
  const dir = resolve(dirArg);
  const framesDir = join(dir, 'frames');
  const realDir = join(framesDir, 'real');
  const nightDir = join(framesDir, DEMO_NIGHT_FOLDER);
  const truthDir = join(dir, 'truth');
  for (const d of [realDir, nightDir, truthDir]) makeDirs(d);

  const realFrames: string[] = [];
  for (const name of readdirSync(assetPath('demo'))
    .filter((n) => n.endsWith('.fits'))
    .sort()) {
    const target = join(realDir, name);
    if (!existsSync(target)) copyFileSync(assetPath('demo', name), target);
    realFrames.push(target);
  }

  const frames = simulateNight({ widthPx: 512, heightPx: 512, lights: 6, seed: 2026 });
  const simulatedFrames: string[] = [];
  for (const [i, frame] of frames.entries()) {
    onProgress?.(i, frames.length, frame.name);
    const target = join(nightDir, frame.name);
    if (!existsSync(target)) {
      await writeFitsImage(target, frame.image, {
        header: frame.header,
        bitpix: -32,
        history: ['Simulated by Observatory Workbench owb demo (seed 2026)'],
      });
    }
    simulatedFrames.push(target);
    if (frame.kind === 'light') {
      const rows = frame.truth.map(
        (s) => `${s.x.toFixed(4)},${s.y.toFixed(4)},${s.fluxAdu.toFixed(2)},${s.fwhmPx.toFixed(3)}`,
      );
      writeFileSync(join(truthDir, frame.name.replace(/\.fits$/, '.csv')), `x,y,flux,fwhm\n${rows.join('\n')}\n`);
    }
  }
  onProgress?.(frames.length, frames.length, 'done');
  const catalogPath = join(dir, 'catalog.db');
  writeFileSync(
    join(dir, 'workspace.json'),
    `${JSON.stringify({ format: 'owb-workspace', version: 1, catalog: 'catalog.db', watch: ['frames'] }, null, 2)}\n`,
  );
  return { dir, framesDir, catalogPath, realFrames, simulatedFrames };
}
