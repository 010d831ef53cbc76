import { statSync } from 'node:fs';
import { InputError } from '../../../src-workers/core/errors.js';
import { Catalog } from '../catalog/index.js';
import { contentHash } from '../watch/content-hash.js';
import type { DifferenceRun } from './run-difference.js';

/**
 * Records the candidates of a difference run in the catalog as `transient` candidates of the science
 * frame, with the paths the curation view needs for science / reference / difference stamps. The
 * science frame must already be in the catalog (ingested by `owb watch`). Running it again for the same
 * science and reference adds nothing. Returns how many candidates were added.
 */
export async function recordTransientCandidates(catalog: Catalog, run: DifferenceRun): Promise<{ frameId: number; added: number }> {
  const scienceHash = await contentHash(run.sciencePath, statSync(run.sciencePath).size);
  const referenceHash = await contentHash(run.referencePath, statSync(run.referencePath).size);
  const frame = catalog.db.prepare('SELECT id FROM frames WHERE content_hash = ?').get(scienceHash) as { id: number } | undefined;
  if (!frame) {
    throw new InputError('FRAME_NOT_INGESTED', `${run.sciencePath} is not in the catalog yet; ingest it first (owb watch … --once)`);
  }
  const already = catalog.db
    .prepare("SELECT count(*) AS n FROM candidates WHERE kind = 'transient' AND frame_id = ? AND json_extract(details_json, '$.referenceHash') = ?")
    .get(frame.id, referenceHash) as { n: number };
  if (already.n > 0) return { frameId: frame.id, added: 0 };
  const insert = catalog.db.transaction(() => {
    for (const c of run.candidates) {
      catalog.addCandidate({
        kind: 'transient',
        frameId: frame.id,
        score: c.snr,
        details: {
          x: c.x,
          y: c.y,
          ra: c.ra,
          dec: c.dec,
          sign: c.sign,
          flux: c.flux,
          fluxErr: c.fluxErr,
          snr: c.snr,
          fwhm: c.fwhm,
          referenceFlux: c.referenceFlux,
          dipole: c.dipole,
          flags: c.flags,
          sciencePath: run.sciencePath,
          referencePath: run.alignedReferencePath ?? run.referencePath,
          differencePath: run.differencePath,
          referenceHash,
        },
      });
    }
  });
  insert.immediate();
  return { frameId: frame.id, added: run.candidates.length };
}
