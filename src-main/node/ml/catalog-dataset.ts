import { createHash } from 'node:crypto';
import { InputError } from '../../../src-workers/core/errors.js';
import type { SqliteDatabase } from '../catalog/index.js';
import { cutTriplets, transientTriplets } from './candidate-stamps.js';
import type { LoadedDataset } from './dataset.js';

/** A curator's decision → real/bogus: accept is real (1), reject is bogus (0); class labels are not used. */
export const REALBOGUS_LABELS: Readonly<Record<string, 0 | 1>> = { accept: 1, reject: 0 };

/**
 * The current (latest, not undone) label of every transient candidate, as the curation view and
 * `owb:labels.exportCsv` count it.
 */
const CURRENT_LABEL = `(SELECT l.label FROM labels l WHERE l.candidate_id = c.id AND l.undone_at IS NULL ORDER BY l.id DESC LIMIT 1)`;

/**
 * `owb train --task realbogus --db CATALOG`: the transient candidates whose current label is accept or
 * reject, with science, reference and difference stamps (size×size) cut from their frames as the curation
 * view shows them, in candidate id order. The dataset hash is SHA-256 over (candidate id, label, SHA-256
 * of the raw float32 triplet), so the same labels on the same pixels give the same hash. Candidates whose
 * frames cannot be read are left out and counted in `skipped`.
 */
export async function loadCatalogDataset(
  db: SqliteDatabase,
  sizePx: number,
  onProgress?: (done: number, total: number) => void,
): Promise<LoadedDataset & { skipped: number; ignoredLabels: number }> {
  const labelled = db
    .prepare(`SELECT c.id, ${CURRENT_LABEL} AS label FROM candidates c WHERE c.kind = 'transient'`)
    .all() as { id: number; label: string | null }[];
  const labelOf = new Map<number, 0 | 1>();
  let ignoredLabels = 0;
  for (const r of labelled) {
    if (r.label === null) continue;
    const l = REALBOGUS_LABELS[r.label];
    if (l === undefined) ignoredLabels++;
    else labelOf.set(r.id, l);
  }
  const name = db.name;
  if (labelOf.size === 0)
    throw new InputError(
      'DATA_EMPTY',
      `${name}: no transient candidate is labelled accept or reject (curate some in the curation view)`,
    );
  const ids = [...labelOf.keys()];
  const triplets = transientTriplets(db, `c.id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]);
  onProgress?.(0, triplets.length);
  const cut = await cutTriplets(triplets, sizePx);
  onProgress?.(triplets.length, triplets.length);
  const labels = Uint8Array.from(cut.ids, (id) => labelOf.get(id)!);
  for (const [label, cls] of ['bogus', 'real'].entries())
    if (!labels.includes(label))
      throw new InputError(
        'DATA_ONE_CLASS',
        `${name}: no readable candidate labelled ${label ? 'accept (real)' : 'reject (bogus)'}; both classes are needed (${cls})`,
      );
  const hash = createHash('sha256');
  cut.ids.forEach((id, k) => hash.update(`candidate:${id}\t${labels[k]}\t${cut.hashes[k]}\n`));
  let real = 0;
  for (const l of labels) real += l;
  return {
    set: { channels: 3, height: sizePx, width: sizePx, count: cut.ids.length, data: cut.data, labels },
    files: cut.ids.map((id) => `candidate:${id}`),
    presetTest: [],
    hash: hash.digest('hex'),
    counts: { bogus: labels.length - real, real },
    layout: 'catalog',
    skipped: cut.skipped.length,
    ignoredLabels,
  };
}
