import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file of a dataset under `dir` (relative path → bytes), except the snapshot, whose times differ by design. */
export function datasetFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'config_snapshot.json') out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
