import type { CliCommand } from './command.js';

/**
 * Subcommands, loaded lazily so that `owb info` does not pay for SQLite or sharp start-up.
 * Add one line per file in `commands/`.
 */
export const commandLoaders: Record<string, () => Promise<{ command: CliCommand }>> = {
  demo: () => import('./commands/demo.js'),
  diff: () => import('./commands/diff.js'),
  detect: () => import('./commands/detect.js'),
  photometry: () => import('./commands/photometry.js'),
  masters: () => import('./commands/masters.js'),
  calibrate: () => import('./commands/calibrate.js'),
  cosmic: () => import('./commands/cosmic.js'),
  register: () => import('./commands/register.js'),
  stack: () => import('./commands/stack.js'),
  db: () => import('./commands/db.js'),
  catalog: () => import('./commands/catalog.js'),
  watch: () => import('./commands/watch.js'),
  process: () => import('./commands/process.js'),
  serve: () => import('./commands/serve.js'),
  synth: () => import('./commands/synth.js'),
  solve: () => import('./commands/solve.js'),
  info: () => import('./commands/info.js'),
  convert: () => import('./commands/convert.js'),
  samp: () => import('./commands/samp.js'),
  lightcurve: () => import('./commands/lightcurve.js'),
  variability: () => import('./commands/variability.js'),
  period: () => import('./commands/period.js'),
  batch: () => import('./commands/batch.js'),
  wcs: () => import('./commands/wcs.js'),
  train: () => import('./commands/train.js'),
  runs: () => import('./commands/runs.js'),
  score: () => import('./commands/score.js'),
};
