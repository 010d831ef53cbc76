// The watched-folder `solve` step, end to end through WatchService, worker threads and the catalog:
// - the DSS M67 plate with its plate solution (AMDX/AMDY, PPO) removed, so the header has no WCS but keeps
//   its pointing (OBJCTRA/OBJCTDEC) and scale (PLTSCALE × XPIXELSZ): solved; the sources' sky positions
//   agree with the plate's own DSS solution (core/wcs, itself checked against astropy) to 2.5″ rms; the
//   frame gets its WCS, centre and V_T zero point; magnitudes are calibrated (mag = mag_inst + phot_zp);
// - the KPNO M51 frame (no WCS, a 2.6′ field that Tycho-2 cannot cover): unsolved with the reason, and the
//   job still done.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { readFitsFile, readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { editHeaderBytes } from '../../../../src-workers/io/fits-header-edit.js';
import { parseCelestialWcs, recordSource } from '../../../../src-workers/core/wcs/index.js';
import { createHandlers, dispatch } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace } from '../../../../src-main/node/api/services.js';
import type { FrameDetail, FrameRow } from '../../../../src-main/common/workbench-dto.js';
import { angularSeparationDeg } from '../../../../src-workers/core/astrometry/sphere.js';
import { REAL_DIR } from '../../../workers/fits-oracles.js';

const real = process.env.OWB_REAL_DIR ?? REAL_DIR;
const M67 = join(real, 'dss_poss1_m67_M6707HH.fits');
const M51 = join(real, 'kpno_m51_B_600s_iraf_pix.fits');
const skip = !existsSync('/usr/share/astrometry/index-tycho2-07.littleendian.fits')
  ? 'Tycho-2 index package astrometry-data-tycho2-07 absent'
  : !existsSync(M67) || !existsSync(M51)
    ? `real frames absent under ${real} (set OWB_REAL_DIR)`
    : false;

const root = mkdtempSync(join(tmpdir(), 'owb-solve-step-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the solve step of a watched folder', { skip }, () => {
  it('solves a frame without WCS, writes its solution and zero point, and reports an unsolvable one', async () => {
    const dir = join(root, 'night');
    mkdirSync(dir);
    const { bytes, hdus } = await readFitsFile(M67);
    const stripped = editHeaderBytes(bytes, hdus[0], (key) => !/^(AMD[XY]\d+|PPO\d+)$/.test(key), []);
    writeFileSync(join(dir, 'm67-nowcs.fits'), stripped);
    copyFileSync(M51, join(dir, 'm51.fits'));
    const noWcs = await readFitsImage(join(dir, 'm67-nowcs.fits'));
    assert.ok('reason' in parseCelestialWcs(noWcs.header), 'the stripped copy must have no usable WCS');

    const catalog = Catalog.open(join(root, 'ws', 'catalog.db'));
    const profile = parseProfile({
      name: 'solve',
      steps: { stats: true, detect: { threshSigma: 5 }, photometry: { radiusPx: 4 }, solve: {} },
      stability: { intervalMs: 50 },
    });
    const service = new WatchService({
      catalog,
      dirs: [dir],
      profile,
      threads: 1,
      once: true,
      workspace: join(root, 'ws'),
    });
    try {
      await service.runOnce();
    } finally {
      await service.stop();
    }
    const frames = catalog.db
      .prepare(
        `SELECT f.id, f.file_name AS name, f.solve_status AS status, f.solve_reason AS reason, f.wcs_json AS wcs,
                f.ra_center AS ra, f.dec_center AS dec, f.phot_zp AS zp, f.phot_zp_err AS zpErr, j.state
           FROM frames f JOIN jobs j ON j.frame_id = f.id ORDER BY f.file_name`,
      )
      .all() as Array<Record<string, string | number | null>>;
    const m51 = frames.find((f) => f.name === 'm51.fits')!;
    const m67 = frames.find((f) => f.name === 'm67-nowcs.fits')!;
    assert.equal(m51.state, 'done');
    assert.equal(m51.status, 'unsolved');
    assert.match(String(m51.reason), /4200\/5200-series indexes/);

    assert.equal(m67.state, 'done');
    assert.equal(m67.status, 'solved', String(m67.reason));
    const wcs = JSON.parse(String(m67.wcs)) as Record<string, unknown>;
    assert.match(String(wcs.CTYPE1), /^RA---TAN/);
    // M67 is at 08h51m18s +11°48′; the plate is centred on it.
    assert.ok(angularSeparationDeg(Number(m67.ra), Number(m67.dec), 132.825, 11.8) < 0.2, `${m67.ra} ${m67.dec}`);
    assert.ok(
      Number.isFinite(m67.zp) && Number(m67.zpErr) > 0 && Number(m67.zpErr) < 0.2,
      `zp ${m67.zp} ± ${m67.zpErr}`,
    );

    // Sky positions of the sources against the plate's own DSS solution.
    const original = await readFitsImage(M67);
    const dss = parseCelestialWcs(original.header);
    assert.ok('wcs' in dss);
    const sources = catalog.db
      .prepare('SELECT x, y, ra, dec, mag, mag_inst AS magInst FROM sources WHERE frame_id = ? AND flux > 0')
      .all(m67.id) as Array<{ x: number; y: number; ra: number; dec: number; mag: number; magInst: number }>;
    assert.ok(sources.length > 50, `${sources.length} sources`);
    let ss = 0;
    for (const s of sources) {
      const [ra, dec] = dss.wcs.pixelToSky(s.x, s.y);
      ss += (angularSeparationDeg(ra, dec, s.ra, s.dec) * 3600) ** 2;
      assert.ok(Math.abs(s.mag - s.magInst - Number(m67.zp)) < 1e-9, 'mag = mag_inst + phot_zp');
    }
    const rms = Math.sqrt(ss / sources.length);
    assert.ok(rms < 2.5, `rms ${rms.toFixed(2)}″ from the DSS solution`);
    // Calibrated light-curve points: V_T-like magnitudes (the plate reaches ~20), not instrumental −7…−12.
    const points = catalog.db
      .prepare('SELECT mag, mag_inst AS magInst FROM measurements WHERE frame_id = ?')
      .all(m67.id) as Array<{ mag: number; magInst: number }>;
    assert.equal(points.length, sources.length);
    const mags = points.map((p) => p.mag).sort((a, b) => a - b);
    assert.ok(mags[0] > 5 && mags[mags.length - 1] < 25, `calibrated range ${mags[0]}–${mags[mags.length - 1]}`);
    console.log(
      `# M67 without WCS: ${sources.length} sources, ${rms.toFixed(2)}″ rms from DSS, zp ${Number(m67.zp).toFixed(3)} ± ${Number(m67.zpErr).toFixed(3)}`,
    );
    catalog.close();

    // What the UI sees: the Frames view's solve status and reason, and the viewer's header (whose WCS
    // drives the RA/Dec readout) carrying the solution instead of no WCS.
    const services = openWorkspace(join(root, 'ws'), { pollChanges: false });
    try {
      const handlers = createHandlers(services);
      const list = await dispatch(handlers, 'owb:frames.list', {});
      assert.ok(list.ok);
      const rows = list.value as FrameRow[];
      const m51Row = rows.find((r) => r.fileName === 'm51.fits')!;
      assert.equal(m51Row.solveStatus, 'unsolved');
      assert.match(String(m51Row.solveReason), /4200\/5200/);
      const m67Row = rows.find((r) => r.fileName === 'm67-nowcs.fits')!;
      assert.equal(m67Row.solveStatus, 'solved');
      assert.equal(m67Row.photZp, m67.zp);
      const detail = await dispatch(handlers, 'owb:frames.get', { frameId: m67Row.id });
      assert.ok(detail.ok);
      const record: Record<string, unknown> = {};
      for (const c of (detail.value as FrameDetail).header) record[c.key] = c.value;
      const shown = parseCelestialWcs(recordSource(record));
      assert.ok('wcs' in shown, 'the header shown has the solution');
      const s0 = sources[0];
      const [ra, dec] = shown.wcs.pixelToSky(s0.x, s0.y);
      assert.ok(angularSeparationDeg(ra, dec, s0.ra, s0.dec) * 3600 < 1e-3);
    } finally {
      services.close();
    }
  });
});

describe('steps.solve in a profile', () => {
  it('takes hints and limits, and names the field of a bad one', () => {
    const p = parseProfile({
      steps: {
        detect: true,
        solve: { raDeg: 132.8, decDeg: 11.8, radiusDeg: 1, scaleLowArcsec: 1, scaleHighArcsec: 2 },
      },
    });
    assert.deepEqual(p.steps.solve, {
      always: false,
      raDeg: 132.8,
      decDeg: 11.8,
      radiusDeg: 1,
      scaleLowArcsec: 1,
      scaleHighArcsec: 2,
    });
    assert.equal(parseProfile({ steps: { detect: true } }).steps.solve, undefined);
    const bad: Array<[unknown, RegExp]> = [
      [{ detect: true, solve: { raDeg: 400, decDeg: 0 } }, /steps\.solve\.raDeg: must be a number in \[0, 360\)/],
      [{ detect: true, solve: { raDeg: 10 } }, /steps\.solve: raDeg and decDeg go together/],
      [
        { detect: true, solve: { scaleLowArcsec: 3, scaleHighArcsec: 2 } },
        /steps\.solve\.scaleLowArcsec: must not exceed/,
      ],
      [{ detect: true, solve: { maxSeconds: -1 } }, /steps\.solve\.maxSeconds: must be a positive number/],
      [{ detect: true, solve: { maxCandidates: 0 } }, /steps\.solve\.maxCandidates: must be a positive integer, got 0/],
      [{ detect: true, solve: { maxCandidates: 2.5 } }, /steps\.solve\.maxCandidates: must be a positive integer/],
      [{ detect: true, solve: { hint: 1 } }, /steps\.solve\.hint: unknown field/],
      [{ solve: true }, /steps\.solve: needs steps\.detect/],
    ];
    for (const [steps, message] of bad) assert.throws(() => parseProfile({ steps }, 'p.yaml'), message);
  });
});
