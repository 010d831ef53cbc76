// Plate solving in the default profile (no --profile): a frame without a WCS whose header gives a pointing
// is solved (the DSS M67 plate with its plate solution removed, solved from OBJCTRA/OBJCTDEC and
// PLTSCALE × XPIXELSZ), and one without a pointing is not searched blind but marked 'unsolved' with the
// reason, its job done. The early refusals need no index files at all.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { defaultProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { readFitsFile } from '../../../../src-workers/io/fits-file.js';
import { editHeaderBytes } from '../../../../src-workers/io/fits-header-edit.js';
import { recordSource } from '../../../../src-workers/core/wcs/index.js';
import { solveDetections } from '../../../../src-workers/tasks/plate-solve.js';
import { REAL_DIR } from '../../../workers/fits-oracles.js';

const real = process.env.OWB_REAL_DIR ?? REAL_DIR;
const M67 = join(real, 'dss_poss1_m67_M6707HH.fits');
const M51 = join(real, 'kpno_m51_B_600s_iraf_pix.fits');
const skip = !existsSync('/usr/share/astrometry/index-tycho2-07.littleendian.fits')
  ? 'Tycho-2 index package astrometry-data-tycho2-07 absent'
  : !existsSync(M67) || !existsSync(M51)
    ? `real frames absent under ${real} (set OWB_REAL_DIR)`
    : false;

const root = mkdtempSync(join(tmpdir(), 'owb-solve-default-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('solving in the default profile', () => {
  it('is on for frames with a pointing, with a small search budget in candidates (no time limit)', () => {
    const p = defaultProfile();
    assert.deepEqual(p.steps.solve, { always: false, requireHint: true, maxCandidates: 5000 });
  });

  it('refuses at once, before reading any index: too few detections, no pointing when one is required', async () => {
    const empty = mkdtempSync(join(root, 'no-index-'));
    const n = 30;
    const stars = {
      x: Float64Array.from({ length: n }, (_, i) => 10 + i * 7),
      y: Float64Array.from({ length: n }, (_, i) => 20 + ((i * 37) % 200)),
      flux: Float64Array.from({ length: n }, (_, i) => 1000 + i),
      fwhm: new Float64Array(n).fill(3),
    };
    const few = { x: stars.x.slice(0, 5), y: stars.y.slice(0, 5), flux: stars.flux.slice(0, 5), fwhm: stars.fwhm };
    const r1 = await solveDetections(few, 256, 256, recordSource({}), { indexDirs: [empty] });
    assert.ok('reason' in r1);
    assert.match(r1.reason, /only 5 usable detections \(need 10\)/);
    const r2 = await solveDetections(stars, 256, 256, recordSource({}), { indexDirs: [empty], requireHint: true });
    assert.ok('reason' in r2);
    assert.match(r2.reason, /no pointing in the header .* solves only frames with one/);
    // With a pointing it goes on to the indexes (here: none in the folder).
    const r3 = await solveDetections(stars, 256, 256, recordSource({ RA: 10, DEC: 20 }), {
      indexDirs: [empty],
      requireHint: true,
    });
    assert.ok('reason' in r3);
    assert.match(r3.reason, /no astrometry\.net index files found/);
  });

  it('solves a WCS-less frame with a pointing and marks one without a pointing unsolved', { skip }, async () => {
    const dir = join(root, 'night');
    mkdirSync(dir);
    const m67 = await readFitsFile(M67);
    writeFileSync(
      join(dir, 'm67-nowcs.fits'),
      editHeaderBytes(m67.bytes, m67.hdus[0], (key) => !/^(AMD[XY]\d+|PPO\d+)$/.test(key), []),
    );
    const m51 = await readFitsFile(M51);
    writeFileSync(
      join(dir, 'm51-nopointing.fits'),
      editHeaderBytes(m51.bytes, m51.hdus[0], (key) => !/^(RA|DEC|OBJCTRA|OBJCTDEC|TELRA|TELDEC|EPOCH)$/.test(key), []),
    );
    // The catalog lives outside the workspace (as with `owb watch --db FILE`): the solver's cache must go to
    // the workspace all the same, never beside the catalog.
    const catalog = Catalog.open(join(root, 'elsewhere', 'catalog.db'));
    const profile = defaultProfile();
    profile.stability.intervalMs = 50;
    const workspaceDir = join(root, 'ws');
    const service = new WatchService({
      catalog,
      dirs: [dir],
      profile,
      threads: 1,
      once: true,
      workspace: workspaceDir,
    });
    try {
      await service.runOnce();
    } finally {
      await service.stop();
    }
    const rows = catalog.db
      .prepare(
        `SELECT f.file_name AS name, f.solve_status AS status, f.solve_reason AS reason, f.phot_zp AS zp,
                f.phot_zp_band AS band, j.state FROM frames f JOIN jobs j ON j.frame_id = f.id ORDER BY f.file_name`,
      )
      .all() as Array<Record<string, string | number | null>>;
    catalog.close();
    const byName = new Map(rows.map((r) => [r.name, r]));
    const solved = byName.get('m67-nowcs.fits')!;
    assert.equal(solved.state, 'done');
    assert.equal(solved.status, 'solved', String(solved.reason));
    assert.ok(Number(solved.zp) > 20 && Number(solved.zp) < 30, `zp ${solved.zp}`);
    assert.equal(solved.band, 'MAG_VT');
    const unsolved = byName.get('m51-nopointing.fits')!;
    assert.equal(unsolved.state, 'done');
    assert.equal(unsolved.status, 'unsolved');
    assert.match(String(unsolved.reason), /no pointing in the header/);
    // The index files were prepared in the workspace's cache for the next process, and nothing was
    // written beside the catalog.
    const cached = readdirSync(join(workspaceDir, 'cache', 'plate-solve'));
    assert.ok(
      cached.some((f) => /^index-tycho2-07\..*\.cone-order\.v\d+\.bin$/.test(f)),
      cached.join(', '),
    );
    assert.ok(!existsSync(join(root, 'elsewhere', 'cache')), 'no cache beside the catalog');
  });
});
