import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHandlers, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { insertTransientCandidates } from '../../../../src-main/node/diff/record-candidates.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

describe('curation queue of transient candidates', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-api-transients-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 96, starCount: 6 });
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows what owb diff measured: flux, error, SNR and the direction of the change', async () => {
    const [frame] = await handlers['owb:frames.list']({});
    const science = services.db.prepare('SELECT path FROM frames WHERE id = ?').pluck().get(frame.id) as string;
    const candidate = {
      x: 40.2,
      y: 51.7,
      sign: -1 as const,
      flux: -1234.5,
      fluxErr: 56.7,
      snr: 21.8,
      fwhm: 3.1,
      referenceFlux: 1500,
      dipole: false,
      flags: 0,
    };
    const added = services.db
      .transaction(() =>
        insertTransientCandidates(services.db, frame.id, 'ref-hash', {
          sciencePath: science,
          referencePath: science,
          differencePath: science,
          matrix: [
            [1, 0, 0],
            [0, 1, 0],
          ],
          registration: { method: 'none', matched: 0, rmsPx: 0 },
          scienceFwhmPx: 3,
          referenceFwhmPx: 3,
          blurred: 'none',
          blurSigmaPx: 0,
          fluxScale: 1,
          differenceRms: 10,
          apertureNoise: 56.7,
          apertureRadiusPx: 4.5,
          candidates: [candidate],
        }),
      )
      .immediate();
    assert.equal(added, 1);
    const queue = await handlers['owb:curation.queue']({ kind: 'candidate' });
    const item = queue.find((q) => q.frameId === frame.id && q.measurements.kind === 'transient');
    assert.ok(item, JSON.stringify(queue));
    assert.equal(item.x, candidate.x);
    assert.equal(item.measurements.snr, candidate.snr);
    assert.equal(item.measurements.flux, candidate.flux);
    assert.equal(item.measurements.fluxErr, candidate.fluxErr);
    assert.equal(item.measurements.change, 'fainter');
    const stamps = await handlers['owb:curation.stamps']({ kind: 'candidate', id: item.id, sizePx: 16 });
    assert.ok(stamps.reference && stamps.difference, 'reference and difference stamps come from the recorded paths');
  });
});
