// Calibrated magnitude columns in exports: a solved frame's sources get magCal = magInst + phot_zp and
// magCalErr = √(magErr² + zpErr²) with the zero point's provenance, an unsolved frame's get NULL; the
// light-curve helper computes the same numbers from the stored flux; the colour term is stored per frame.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { calibratedMagnitude, frameCalibrations } from '../../../../src-main/node/solve/calibrated-rows.js';
import { resolveColumns } from '../../../../src-main/common/columns.js';

describe('calibrated magnitude columns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-magcal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const catalog = Catalog.open(join(dir, 'catalog.sqlite'));
  after(() => catalog.close());
  const store = new FrameStore(catalog.db);
  const writer = new FrameResultWriter(catalog.db);
  const ingest = (hash: string) =>
    store.ingest({
      contentHash: hash,
      path: `/data/${hash}.fits`,
      fileName: `${hash}.fits`,
      sizeBytes: 100,
      mtimeMs: 1,
      meta: { frameType: 'light', filter: 'V', mjd: 60000 },
    }).frameId;
  const n = 5;
  const flux = Float64Array.from({ length: n }, (_, i) => 1000 * (i + 1));
  const fluxErr = Float64Array.from(flux, (f) => Math.sqrt(f));
  const magInst = Float64Array.from(flux, (f) => -2.5 * Math.log10(f));
  const magErr = Float64Array.from(flux, (f, i) => (2.5 / Math.LN10) * (fluxErr[i] / f));
  const zp = 24.3;
  const zpErr = 0.03;
  const base = {
    count: n,
    x: Float64Array.from({ length: n }, (_, i) => i * 10),
    y: Float64Array.from({ length: n }, (_, i) => i * 10),
    ra: Float64Array.from({ length: n }, (_, i) => 10 + i * 0.01),
    dec: new Float64Array(n).fill(20),
    flux,
    fluxErr,
    magErr,
    flags: new Int32Array(n),
  };
  const solvedId = ingest('solved');
  const unsolvedId = ingest('unsolved');
  catalog.db.transaction(() => {
    writer.write(solvedId, {
      width: 100,
      height: 100,
      quality: {},
      ran: [],
      skipped: [],
      sources: { ...base, magInst, mag: Float64Array.from(magInst, (m) => m + zp) },
      solve: {
        solved: true,
        zeroPoint: zp,
        zeroPointErr: zpErr,
        zeroPointStars: 41,
        zeroPointBand: 'MAG_VT',
        colourName: 'B_T-V_T',
        colourTerm: -0.12,
        colourTermErr: 0.01,
        hintSource: [],
        seconds: 0.1,
      },
    });
    writer.write(unsolvedId, {
      width: 100,
      height: 100,
      quality: {},
      ran: [],
      skipped: [],
      sources: { ...base, ra: Float64Array.from(base.ra, (r) => r + 1), mag: magInst },
      solve: { solved: false, reason: 'no verified match', hintSource: [], seconds: 0.1 },
    });
  })();

  it('gives a solved frame calibrated magnitudes with the zero point error, an unsolved one none', () => {
    const solved = catalog.sourcesOfFrame(solvedId);
    assert.equal(solved.length, n);
    for (const [i, s] of solved.entries()) {
      assert.ok(Math.abs(s.magCal! - (magInst[i] + zp)) < 1e-12);
      assert.ok(Math.abs(s.magCalErr! - Math.hypot(magErr[i], zpErr)) < 1e-12);
      assert.equal(s.zpSource, 'owb plate solve, MAG_VT');
      assert.ok(Math.abs(s.magInst! - magInst[i]) < 1e-12);
    }
    for (const s of catalog.sourcesOfFrame(unsolvedId)) {
      assert.equal(s.magCal, null);
      assert.equal(s.magCalErr, null);
      assert.equal(s.zpSource, null);
    }
  });

  it('stores the colour term and band with the frame', () => {
    const row = catalog.db
      .prepare('SELECT phot_zp_band, phot_colour, phot_colour_term, phot_colour_term_err FROM frames WHERE id = ?')
      .get(solvedId);
    assert.deepEqual(row, {
      phot_zp_band: 'MAG_VT',
      phot_colour: 'B_T-V_T',
      phot_colour_term: -0.12,
      phot_colour_term_err: 0.01,
    });
  });

  it('computes light-curve calibrated magnitudes from the stored flux and the frame zero point', () => {
    const cals = frameCalibrations(catalog.db, [solvedId, unsolvedId]);
    assert.deepEqual([...cals.keys()], [solvedId]);
    assert.equal(cals.get(solvedId)!.source, 'Tycho-2 V_T (owb plate solve, 41 stars)');
    const r = calibratedMagnitude(flux[2], fluxErr[2], cals.get(solvedId));
    assert.ok(Math.abs(r.magCal! - (magInst[2] + zp)) < 1e-12);
    assert.ok(Math.abs(r.magCalErr! - Math.hypot(magErr[2], zpErr)) < 1e-12);
    assert.deepEqual(calibratedMagnitude(flux[2], fluxErr[2], undefined), { magCal: null, magCalErr: null });
    assert.deepEqual(calibratedMagnitude(-5, 1, cals.get(solvedId)), { magCal: null, magCalErr: null });
  });

  it('describes the new columns in the registry (units and UCDs for VOTable/FITS)', () => {
    const [cal, err, inst, src] = resolveColumns(['magCal', 'magCalErr', 'magInst', 'zpSource']);
    assert.equal(cal.unit, 'mag');
    assert.equal(cal.ucd, 'phot.mag;phot.calib');
    assert.equal(err.ucd, 'stat.error;phot.mag');
    assert.equal(inst.unit, 'mag');
    assert.equal(src.type, 'char');
  });
});
