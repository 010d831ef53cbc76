import { join } from 'node:path';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import {
  csvField,
  metadataColumns,
  sampleMetadataRow,
  TIME_VARYING_METADATA_COLUMNS,
} from '../../../src-workers/core/synth/metadata.js';
import { sampleCount, type SamplePlan, type Split } from '../../../src-workers/core/synth/plan.js';
import { planSample } from '../../../src-workers/core/synth/plan.js';
import { sampleParams } from '../../../src-workers/core/synth/sample.js';

/** The path an image gets in the CSVs: relative to the output folder (`/`-separated) or absolute. */
export function csvPath(config: SynthConfig, outDir: string, plan: SamplePlan): string {
  return config.Output.relative_paths ? plan.relPath : join(outDir, ...plan.relPath.split('/'));
}

/** `train.csv` or `test.csv`: header `filepath,label`, one row per image of the split, in index order. */
export function splitCsv(config: SynthConfig, outDir: string, split: Split): string {
  const lines = ['filepath,label'];
  const n = sampleCount(config);
  for (let i = split === 'train' ? 0 : config.General.n_train; i < n; i++) {
    const plan = planSample(config, i);
    if (plan.split !== split) break;
    lines.push(`${csvField(csvPath(config, outDir, plan))},${plan.label}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `metadata.csv`: every parameter of every image (`METADATA_COLUMNS`), rebuilt from the seeds alone, and
 * `generationTime` (ISO 8601 UTC) in its `generation_time` column.
 */
export function metadataCsv(config: SynthConfig, outDir: string, generationTime: string): string {
  const lines = [metadataColumns(config).join(',')];
  const n = sampleCount(config);
  for (let i = 0; i < n; i++) {
    const { plan, params } = sampleParams(config, i);
    lines.push(
      sampleMetadataRow(csvPath(config, outDir, plan), plan, params, generationTime)
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `metadata.csv` text with its time-varying columns (`TIME_VARYING_METADATA_COLUMNS`) emptied: the part
 * that the byte-reproducibility contract covers. Two runs of one configuration give equal results.
 */
export function reproducibleMetadataCsv(text: string): string {
  const rows = parseCsv(text);
  const drop = (rows[0] ?? []).flatMap((name, i) => (TIME_VARYING_METADATA_COLUMNS.includes(name) ? [i] : []));
  for (const row of rows.slice(1)) for (const i of drop) if (i < row.length) row[i] = '';
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

/** Parses a CSV written by this module (RFC 4180 quoting) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
