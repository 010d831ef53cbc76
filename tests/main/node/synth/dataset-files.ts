import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { reproducibleMetadataCsv } from '../../../../src-main/node/synth/csv.js';

/**
 * Every file of a dataset under `dir` (relative path → bytes) that the byte-reproducibility contract
 * covers: all but the snapshot, whose times and run history differ by design, with `metadata.csv`'s
 * time-varying columns emptied (`reproducibleMetadataCsv`).
 */
export function datasetFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'metadata.csv')
        out.set(relative(dir, p), Buffer.from(reproducibleMetadataCsv(readFileSync(p, 'utf8'))));
      else if (name !== 'config_snapshot.json') out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
