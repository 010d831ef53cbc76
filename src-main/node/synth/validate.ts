import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { inflateSync } from 'node:zlib';
import { parseFits } from '../../../src-workers/core/fits/index.js';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import { layoutFolders, planSample, sampleCount } from '../../../src-workers/core/synth/plan.js';
import { decodePngGray8 } from '../../../src-workers/core/synth/png.js';
import { parseCsv } from './csv.js';
import { quickCheckImage } from './files.js';
import { readSnapshot } from './snapshot.js';

/** What `owb synth --validate` found. */
export interface ValidationReport {
  outDir: string;
  expected: { train: number; test: number };
  found: { train: number; test: number; trainLens: number; testLens: number; files: number };
  /** Lens fraction of each split as listed in its CSV. */
  balance: { train: number; test: number; configured: number };
  problems: string[];
}

const MAX_LISTED = 20;

/**
 * Checks the dataset in `outDir` against `config` without writing anything: snapshot status and
 * configuration, CSV headers, counts and labels per split, the balance, that every CSV row names an
 * existing, fully decodable image of the configured size and class folder, and that no image is missing
 * from the CSVs.
 */
export async function validateDataset(config: SynthConfig, outDirArg: string): Promise<ValidationReport> {
  const outDir = resolve(outDirArg);
  const problems: string[] = [];
  const report: ValidationReport = {
    outDir,
    expected: { train: config.General.n_train, test: config.General.n_test },
    found: { train: 0, test: 0, trainLens: 0, testLens: 0, files: 0 },
    balance: { train: Number.NaN, test: Number.NaN, configured: config.General.balance },
    problems,
  };
  if (!existsSync(outDir)) {
    problems.push(`${outDir} does not exist`);
    return report;
  }
  const snapshot = readSnapshot(outDir);
  if (!snapshot) problems.push('config_snapshot.json is missing');
  else {
    if (snapshot.status !== 'complete')
      problems.push(
        `config_snapshot.json says the run is '${snapshot.status}' (interrupted?); run owb synth again to finish it`,
      );
    if (JSON.stringify(snapshot.config) !== JSON.stringify(config))
      problems.push('config_snapshot.json holds a different configuration than --config');
  }
  const expectedLabel = new Map<string, number>();
  for (let i = 0; i < sampleCount(config); i++) {
    const plan = planSample(config, i);
    expectedLabel.set(plan.relPath, plan.label);
  }
  const listed = new Set<string>();
  const inflate = (b: Uint8Array): Uint8Array => inflateSync(b);
  for (const split of ['train', 'test'] as const) {
    const csvFile = join(outDir, `${split}.csv`);
    if (!existsSync(csvFile)) {
      problems.push(`${split}.csv is missing`);
      continue;
    }
    const rows = parseCsv(readFileSync(csvFile, 'utf8'));
    if (rows[0]?.join(',') !== 'filepath,label')
      problems.push(`${split}.csv: header is '${rows[0]?.join(',') ?? ''}', expected 'filepath,label'`);
    let lenses = 0;
    let count = 0;
    for (const [r, row] of rows.slice(1).entries()) {
      const line = r + 2;
      const [path, label] = row;
      if (label !== '0' && label !== '1') {
        problems.push(`${split}.csv line ${line}: label must be 0 or 1, got '${label ?? ''}'`);
        continue;
      }
      count++;
      lenses += Number(label);
      const abs = isAbsolute(path) ? path : join(outDir, path);
      const rel = relative(outDir, abs).split(sep).join('/');
      listed.add(rel);
      const want = expectedLabel.get(rel);
      if (want === undefined) problems.push(`${split}.csv line ${line}: ${path} is not an image of this configuration`);
      else if (want !== Number(label))
        problems.push(`${split}.csv line ${line}: ${path} has label ${label}, its plan says ${want}`);
      const problem = checkReadable(abs, config, inflate);
      if (problem) problems.push(`${path}: ${problem}`);
    }
    report.found[split] = count;
    report.found[split === 'train' ? 'trainLens' : 'testLens'] = lenses;
    report.balance[split] = count > 0 ? lenses / count : Number.NaN;
    if (count !== report.expected[split])
      problems.push(`${split}.csv lists ${count} images, the configuration asks for ${report.expected[split]}`);
    const wantLens = Math.round(config.General.balance * report.expected[split]);
    if (count === report.expected[split] && lenses !== wantLens)
      problems.push(`${split}.csv has ${lenses} lenses, balance ${config.General.balance} asks for ${wantLens}`);
  }
  for (const folder of layoutFolders(config)) {
    const dir = join(outDir, folder);
    if (!existsSync(dir)) {
      problems.push(`folder ${folder || '.'} is missing`);
      continue;
    }
    for (const name of readdirSync(dir)) {
      if (!/\.(png|jpg|fits)$/.test(name)) continue;
      report.found.files++;
      const rel = folder ? `${folder}/${name}` : name;
      if (!listed.has(rel)) problems.push(`${rel} is on disk but in neither CSV`);
    }
  }
  if (problems.length > MAX_LISTED) {
    const more = problems.length - MAX_LISTED;
    problems.splice(MAX_LISTED, problems.length, `… and ${more} more problems`);
  }
  return report;
}

function checkReadable(path: string, config: SynthConfig, inflate: (b: Uint8Array) => Uint8Array): string | undefined {
  if (!existsSync(path)) return 'file is missing';
  const format = config.Output.image_format;
  const quick = quickCheckImage(path, format);
  if (quick) return quick;
  const size = config.General.image_size;
  try {
    const bytes = readFileSync(path);
    if (format === 'PNG') {
      const png = decodePngGray8(bytes, inflate);
      if (png.width !== size || png.height !== size) return `is ${png.width}×${png.height}, expected ${size}×${size}`;
    } else if (format === 'FITS') {
      const hdu = parseFits(bytes).hdus[0];
      const dims = [hdu.header.get('NAXIS1'), hdu.header.get('NAXIS2')];
      if (dims[0] !== size || dims[1] !== size)
        return `is ${String(dims[0])}×${String(dims[1])}, expected ${size}×${size}`;
    }
  } catch (error) {
    return `unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** The report as printed by `owb synth --validate`. */
export function formatValidation(r: ValidationReport): string {
  const pct = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
  const lines = [
    `dataset ${r.outDir}`,
    `  train: ${r.found.train}/${r.expected.train} images, ${r.found.trainLens} lenses (fraction ${pct(r.balance.train)}, configured ${r.balance.configured})`,
    `  test:  ${r.found.test}/${r.expected.test} images, ${r.found.testLens} lenses (fraction ${pct(r.balance.test)})`,
    `  image files on disk: ${r.found.files}`,
    r.problems.length === 0
      ? 'valid: counts, balance, files and CSVs agree'
      : `INVALID: ${r.problems.length} problem(s)`,
    ...r.problems.map((p) => `  - ${p}`),
  ];
  return `${lines.join('\n')}\n`;
}
