import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { encodeFits, imageHdu } from '../../../src-workers/core/fits/encode.js';
import { FitsHeader } from '../../../src-workers/core/fits/header.js';
import { cropImage, type Image } from '../../../src-workers/core/image/image.js';
import { createRng, deriveSeed } from '../../../src-workers/core/random/rng.js';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import { drawInjections, injectSources, type InjectedSource } from '../../../src-workers/core/synth/inject.js';
import { csvField } from '../../../src-workers/core/synth/metadata.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { parseCsv } from './csv.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';
import { quickCheckImage } from './files.js';
import { silentLogger } from './log.js';
import { SynthCancelledError, type SynthRunOptions, type SynthRunSummary } from './run-synth.js';
import { completeSnapshot, resumableSnapshot, startSnapshot, writeSnapshot } from './snapshot.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

const FRAME_PATTERN = /\.(fits|fit|fts|fz)(\.gz)?$/i;
export const TRUTH_COLUMNS = [
  'frame',
  'id',
  'kind',
  'x',
  'y',
  'x_fits',
  'y_fits',
  'mag',
  'flux_adu',
  'host_x',
  'host_y',
  'seed',
] as const;

/** The input frames of an injection configuration, sorted by name (frame i uses deriveSeed(seed, i)). */
export function listFrames(config: SynthConfig): string[] {
  const dir = config.Injection.frames_dir;
  if (!existsSync(dir)) throw new InputError('SYNTH_FRAMES', `Injection.frames_dir ${dir} does not exist`);
  const names = readdirSync(dir)
    .filter((n) => FRAME_PATTERN.test(n))
    .sort();
  if (names.length === 0)
    throw new InputError(
      'SYNTH_FRAMES',
      `Injection.frames_dir ${dir} holds no FITS frames (*.fits, *.fit, *.fts, *.fz)`,
    );
  return names;
}

/** Output name of an input frame: its name without FITS and gzip extensions, plus `.fits`. */
function outName(name: string): string {
  return `${name.replace(FRAME_PATTERN, '')}.fits`;
}

/**
 * Injection mode: for every frame of `Injection.frames_dir`, injects point sources and transients of known
 * flux and writes `frames/NAME.fits` (float32, original header kept, HISTORY added), stamps around every
 * injection (`stamps/real/`, label 1) and at random places (`stamps/bogus/`, label 0), `truth.csv`,
 * `stamps.csv` and `config_snapshot.json`. Frame i depends only on the configuration, the frame and i;
 * a re-run keeps frames whose outputs are whole.
 */
export async function runInjection(options: SynthRunOptions): Promise<SynthRunSummary> {
  const started = Date.now();
  const { config } = options;
  const log = options.logger ?? silentLogger;
  const outDir = resolve(options.outDir);
  const frames = listFrames(config);
  for (const d of ['frames', 'stamps/real', 'stamps/bogus']) makeDirs(join(outDir, d));
  const previous = resumableSnapshot(outDir, config);
  if (previous) log.info(`resuming the injection set in ${outDir}`);
  const startedAt = new Date(started).toISOString();
  const snapshot = startSnapshot({
    toolVersion: options.toolVersion,
    startedAt,
    previous,
    configFile: options.configFile,
    seedDerivation:
      'frame i (input frames sorted by name) uses deriveSeed(General.seed, i) for its injections; bogus stamps use deriveSeed(that seed, 1)',
    counts: { train: frames.length, test: 0, trainLens: 0, testLens: 0 },
    config,
  });
  writeSnapshot(outDir, snapshot);

  const truth: string[] = [TRUTH_COLUMNS.join(',')];
  const stamps: string[] = ['filepath,label,frame,x,y'];
  let written = 0;
  let reused = 0;
  options.onProgress?.(0, frames.length);
  for (const [i, name] of frames.entries()) {
    if (options.signal?.aborted) throw new SynthCancelledError(written + reused, frames.length, outDir);
    const seed = deriveSeed(config.General.seed, i);
    const { image, header } = await readFitsImage(join(config.Injection.frames_dir, name));
    const rng = createRng(seed);
    const sources = drawInjections(image, config, rng);
    const bogus = drawBogus(image, config, createRng(deriveSeed(seed, 1)));
    const frameFile = `frames/${outName(name)}`;
    const stampFiles = [
      ...sources.map((s) => stampPath(name, `s${s.id}`, 1)),
      ...bogus.map((_, k) => stampPath(name, `b${k}`, 0)),
    ];
    const whole = [frameFile, ...(config.Injection.stamp_size > 0 ? stampFiles : [])].every(
      (f) => existsSync(join(outDir, f)) && !quickCheckImage(join(outDir, f), 'FITS'),
    );
    if (whole) reused++;
    else {
      const injected = injectSources(image, sources, config, rng);
      const history = [`owb synth injection: ${sources.length} sources, seed ${seed}, from ${name}`];
      const cards = [
        { key: 'INJNUM', value: sources.length, comment: 'injected sources (truth.csv)' },
        { key: 'INJSEED', value: seed, comment: 'deriveSeed(General.seed, frame index)' },
        { key: 'INJZP', value: config.Injection.zero_point_mag, comment: 'mag of 1 ADU total signal' },
      ];
      writeFileAtomicUnsynced(
        join(outDir, frameFile),
        encodeFits([imageHdu(injected, { header: new FitsHeader([...header.cards, ...cards]), history })]),
      );
      if (config.Injection.stamp_size > 0) writeStamps(outDir, config, name, injected, sources, bogus);
      written++;
    }
    for (const s of sources) truth.push(truthRow(name, s, seed));
    if (config.Injection.stamp_size > 0) {
      sources.forEach((s, k) =>
        stamps.push([stampFiles[k], '1', name, s.x.toFixed(4), s.y.toFixed(4)].map(csvField).join(',')),
      );
      bogus.forEach((b, k) =>
        stamps.push(
          [stampFiles[sources.length + k], '0', name, b.x.toFixed(4), b.y.toFixed(4)].map(csvField).join(','),
        ),
      );
    }
    options.onProgress?.(i + 1, frames.length);
  }
  writeFileAtomicUnsynced(join(outDir, 'truth.csv'), `${truth.join('\n')}\n`);
  writeFileAtomicUnsynced(join(outDir, 'stamps.csv'), `${stamps.join('\n')}\n`);
  snapshot.runs = [...snapshot.runs, { startedAt, workers: 1, written, reused, repaired: 0 }];
  completeSnapshot(snapshot, new Date().toISOString());
  writeSnapshot(outDir, snapshot);
  return {
    outDir,
    total: frames.length,
    written,
    writtenHere: written,
    reused,
    repaired: 0,
    workers: 1,
    seconds: (Date.now() - started) / 1000,
  };
}

function truthRow(frame: string, s: InjectedSource, seed: number): string {
  const f = (v: number | undefined): string => (v === undefined ? '' : v.toFixed(4));
  return [
    frame,
    String(s.id),
    s.kind,
    f(s.x),
    f(s.y),
    f(s.x + 1),
    f(s.y + 1),
    s.mag.toFixed(4),
    s.fluxAdu.toPrecision(8),
    f(s.hostX),
    f(s.hostY),
    String(seed),
  ]
    .map(csvField)
    .join(',');
}

function stampPath(frame: string, id: string, label: 0 | 1): string {
  return `stamps/${label ? 'real' : 'bogus'}/${basename(outName(frame), '.fits')}_${id}.fits`;
}

/** Random stamp centres (label 0) inside the edge margin. */
function drawBogus(
  frame: Image,
  config: SynthConfig,
  rng: ReturnType<typeof createRng>,
): Array<{ x: number; y: number }> {
  const margin = Math.min(config.Injection.edge_margin_px, Math.floor((Math.min(frame.width, frame.height) - 1) / 2));
  return Array.from({ length: config.Injection.bogus_stamps_per_frame }, () => ({
    x: rng.uniform(margin, frame.width - 1 - margin),
    y: rng.uniform(margin, frame.height - 1 - margin),
  }));
}

function writeStamps(
  outDir: string,
  config: SynthConfig,
  frame: string,
  image: Image,
  sources: InjectedSource[],
  bogus: Array<{ x: number; y: number }>,
): void {
  const size = config.Injection.stamp_size;
  const half = Math.floor(size / 2);
  const write = (
    file: string,
    x: number,
    y: number,
    label: 0 | 1,
    extra: Array<{ key: string; value: number | string }>,
  ): void => {
    const x0 = Math.round(x) - half;
    const y0 = Math.round(y) - half;
    const stamp = cropImage(image, x0, y0, size, size);
    const header = [
      { key: 'LABEL', value: label, comment: '1 = injected source, 0 = random place' },
      { key: 'FRAME', value: frame },
      { key: 'SRC_X', value: Number((x - x0).toFixed(4)), comment: '0-based x of the centre in this stamp' },
      { key: 'SRC_Y', value: Number((y - y0).toFixed(4)), comment: '0-based y of the centre in this stamp' },
      ...extra,
    ];
    writeFileAtomicUnsynced(join(outDir, file), encodeFits([imageHdu(stamp, { header })]));
  };
  for (const s of sources) {
    write(stampPath(frame, `s${s.id}`, 1), s.x, s.y, 1, [
      { key: 'KIND', value: s.kind },
      { key: 'MAG', value: Number(s.mag.toFixed(4)) },
      { key: 'FLUX', value: Number(s.fluxAdu.toPrecision(8)) },
    ]);
  }
  bogus.forEach((b, k) => write(stampPath(frame, `b${k}`, 0), b.x, b.y, 0, []));
}

/** `--validate` for an injection set: every frame written, truth and stamp catalogs consistent with files. */
export function validateInjection(
  config: SynthConfig,
  outDirArg: string,
): { problems: string[]; frames: number; sources: number; stamps: number } {
  const outDir = resolve(outDirArg);
  const problems: string[] = [];
  const frames = listFrames(config);
  for (const name of frames) {
    const problem = existsSync(join(outDir, 'frames', outName(name)))
      ? quickCheckImage(join(outDir, 'frames', outName(name)), 'FITS')
      : 'missing';
    if (problem) problems.push(`frames/${outName(name)}: ${problem}`);
  }
  let sources = 0;
  let stamps = 0;
  const truthFile = join(outDir, 'truth.csv');
  if (!existsSync(truthFile)) problems.push('truth.csv is missing');
  else {
    const rows = parseCsv(readFileSync(truthFile, 'utf8'));
    if (rows[0]?.join(',') !== TRUTH_COLUMNS.join(',')) problems.push('truth.csv has an unexpected header');
    sources = rows.length - 1;
    const want = frames.length * config.Injection.sources_per_frame;
    if (sources !== want) problems.push(`truth.csv lists ${sources} sources, expected ${want}`);
  }
  const stampsFile = join(outDir, 'stamps.csv');
  if (config.Injection.stamp_size > 0) {
    if (!existsSync(stampsFile)) problems.push('stamps.csv is missing');
    else {
      for (const [path] of parseCsv(readFileSync(stampsFile, 'utf8')).slice(1)) {
        stamps++;
        const problem = existsSync(join(outDir, path)) ? quickCheckImage(join(outDir, path), 'FITS') : 'missing';
        if (problem && problems.length < 20) problems.push(`${path}: ${problem}`);
      }
    }
  }
  return { problems, frames: frames.length, sources, stamps };
}
