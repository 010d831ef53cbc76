// owb lightcurve / variability / period end to end on a catalog built from the synthetic 3-night field
// (tests/fixtures/synthetic-field.ts: truth known, clouds, extinction, a variable comparison candidate).
// Checks: the corrected curve matches truth (reduced χ² in [0.7, 1.3]), the variable comparison is rejected,
// injected outliers are flagged and kept, the FITS table carries units and passes fitsverify/astropy, the
// AAVSO file has the spec's parameters and 15 fields, variability ranks the two variables first and queues
// them, and owb period agrees with astropy LombScargle/BoxLeastSquares on the same CSV.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../src-main/node/catalog/index.js';
import { createRng } from '../../../src-workers/core/random/rng.js';
import { makeField, type Field } from '../../fixtures/synthetic-field.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-lc-'));
const db = join(root, 'cat.sqlite');
after(() => rmSync(root, { recursive: true, force: true }));
const py = (args: string[]) => spawnSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
const hasAstropy = py(['-c', 'import astropy.timeseries, astropy.io.fits']).status === 0;
const hasFitsverify = spawnSync('fitsverify', ['-h'], { encoding: 'utf8' }).error === undefined;

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

const OUTLIER_FRAMES = [40, 190];
let field: Field;
/** Object id of each synthetic star (objects are created in star order on the first frame). */
const objectOf = (star: number): number => star + 1;

before(() => {
  field = makeField(11);
  const nS = field.input.stars.length;
  const catalog = Catalog.open(db);
  const store = new FrameStore(catalog.db);
  const writer = new FrameResultWriter(catalog.db);
  // Stars 30″ apart in a line near RA 150, Dec 20 (sky cross-matching puts each star in one object).
  const ra = Float64Array.from({ length: nS }, (_, s) => 150 + (s * 30) / 3600);
  const dec = new Float64Array(nS).fill(20);
  for (let f = 0; f < field.times.length; f++) {
    const { frameId } = store.ingest({
      contentHash: `lc${f}`,
      path: `/campaign/f${f}.fits`,
      fileName: `f${f}.fits`,
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {
        frameType: 'light',
        filter: 'V',
        mjd: field.times[f],
        exposureSec: field.input.frames[f].exposureSec,
        header: { AIRMASS: field.airmass[f] },
      },
    });
    const flux = Float64Array.from({ length: nS }, (_, s) => field.input.fluxE[f * nS + s]);
    if (OUTLIER_FRAMES.includes(f)) flux[0] *= 1.25; // a cosmic ray on the target
    const flags = Int32Array.from({ length: nS }, (_, s) => ((field.input.flags?.[f * nS + s] ?? 0) ? 4 : 0));
    catalog.db.transaction(() =>
      writer.write(frameId, {
        width: 2000,
        height: 1000,
        quality: { fwhmPx: field.input.frames[f].fwhmPx ?? 3 },
        ran: [],
        skipped: [],
        sources: {
          count: nS,
          x: Float64Array.from(field.input.stars, (s) => s.xPx),
          y: Float64Array.from(field.input.stars, (s) => s.yPx),
          ra,
          dec,
          flux,
          fluxErr: Float64Array.from({ length: nS }, (_, s) => field.input.fluxErrE[f * nS + s]),
          flags,
        },
      }),
    )();
  }
  catalog.close();
});

/** CSV rows by column name; the `#` lines (units and descriptions) are skipped. */
function parseCsv(text: string): Array<Record<string, string>> {
  // emitRows' CSV opens with '#' lines of units and UCDs.
  const [head, ...lines] = text
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('#'));
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('owb lightcurve', () => {
  it('CSV: the ensemble-corrected target matches truth, the variable comparison is rejected, outliers kept', () => {
    const out = join(root, 'lc.csv');
    const r = owb([
      'lightcurve',
      '--db',
      db,
      '--object',
      String(objectOf(0)),
      '--aperture-m',
      '0.4',
      '--altitude-m',
      '1000',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`rejected as variable ${objectOf(1)} `));
    assert.match(r.stderr, /MJD_UTC/);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    assert.equal(rows.length, field.times.length);
    const cols = Object.keys(rows[0]);
    assert.deepEqual(cols.slice(0, 8), ['bjdTdb', 'mjd', 'mag', 'magErr', 'magInst', 'flux', 'flags', 'frame']);
    const flagged = rows.flatMap((row, f) => (Number(row.flags) & 1 ? [f] : []));
    assert.deepEqual(flagged, OUTLIER_FRAMES);
    for (const f of OUTLIER_FRAMES) assert.ok(rows[f].mag !== '' && rows[f].rejected === '1');
    const d: number[] = [];
    const e: number[] = [];
    rows.forEach((row, f) => {
      if (row.flags !== '0') return;
      d.push(Number(row.mag) - field.truth(0, f));
      e.push(Number(row.magErr));
    });
    const w = e.map((x) => 1 / x ** 2);
    const mean = d.reduce((a, x, i) => a + w[i] * x, 0) / w.reduce((a, b) => a + b);
    const chi2 = d.reduce((a, x, i) => a + ((x - mean) / e[i]) ** 2, 0) / (d.length - 1);
    assert.ok(chi2 > 0.7 && chi2 < 1.3, `reduced χ² against truth ${chi2}`);
    assert.equal(rows[0].timeSystem, 'MJD_UTC');
    assert.equal(rows[0].bjdTdb, '');
  });

  it(
    'FITS: a LIGHTCURVE table with units and TIMESYS that fitsverify and astropy accept',
    { skip: !hasAstropy && 'needs astropy' },
    () => {
      const out = join(root, 'lc.fits');
      const r = owb(['lightcurve', '--db', db, '--object', String(objectOf(0)), '--out', out, '--format', 'fits']);
      assert.equal(r.status, 0, r.stderr);
      const check = py([
        '-c',
        `from astropy.io import fits; import json
h = fits.open(${JSON.stringify(out)})['LIGHTCURVE']
print(json.dumps({'units': {c.name: c.unit for c in h.columns}, 'timesys': h.header['TIMESYS'], 'n': len(h.data)}))`,
      ]);
      assert.equal(check.status, 0, check.stderr);
      const info = JSON.parse(check.stdout);
      assert.equal(info.n, field.times.length);
      assert.equal(info.timesys, 'UTC');
      assert.equal(info.units.MJD, 'd');
      assert.equal(info.units.MAG, 'mag');
      assert.equal(info.units.MAGERR, 'mag');
      if (hasFitsverify) {
        const v = spawnSync('fitsverify', ['-q', '-e', out], { encoding: 'utf8' });
        assert.match(v.stdout + v.stderr, /OK|0 error/, v.stdout + v.stderr);
      }
    },
  );

  it('AAVSO Extended Format: the six parameters, 15 fields per row, JD dates, flagged points left out', () => {
    const out = join(root, 'lc-aavso.txt');
    const r = owb([
      'lightcurve',
      '--db',
      db,
      '--object',
      String(objectOf(0)),
      '--out',
      out,
      '--format',
      'aavso',
      '--aavso-obscode',
      'XYZ',
      '--aavso-starid',
      'V0001 Test',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    for (const p of ['#TYPE=EXTENDED', '#OBSCODE=XYZ', '#DELIM=,', '#DATE=JD', '#OBSTYPE=CCD'])
      assert.ok(lines.includes(p), p);
    assert.ok(lines.some((l) => l.startsWith('#SOFTWARE=')));
    const data = lines.filter((l) => !l.startsWith('#'));
    // Exactly the unflagged points of the same light curve.
    const json = join(root, 'lc.json');
    assert.equal(
      owb(['lightcurve', '--db', db, '--object', String(objectOf(0)), '--out', json, '--format', 'json']).status,
      0,
    );
    const points = JSON.parse(readFileSync(json, 'utf8')) as Array<{ flags: number }>;
    assert.equal(data.length, points.filter((p) => p.flags === 0).length);
    assert.ok(data.length <= field.times.length - OUTLIER_FRAMES.length);
    const first = data[0].split(',');
    assert.equal(first.length, 15);
    assert.equal(first[0], 'V0001 Test');
    assert.ok(Math.abs(Number(first[1]) - (field.times[0] + 2400000.5)) < 1e-6);
    assert.equal(first[4], 'V');
    assert.equal(first[6], 'DIF');
    assert.equal(first[7], 'ENSEMBLE');
  });

  it('bad input: one owb: line and exit 2', () => {
    for (const args of [
      ['lightcurve', '--db', db, '--object', '9999', '--out', join(root, 'x.csv')],
      ['lightcurve', '--db', db, '--object', '1', '--out', join(root, 'x.csv'), '--detrend', 'colour'],
      ['lightcurve', '--db', join(root, 'nope.sqlite'), '--object', '1', '--out', join(root, 'x.csv')],
      ['lightcurve', '--db', db, '--object', '1', '--out', join(root, 'x.txt'), '--format', 'aavso'],
    ]) {
      const r = owb(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^owb: .+\n$/);
    }
  });
});

describe('owb lightcurve without a WCS: pixel matching within one pointing', () => {
  const pixDb = join(root, 'pixel.sqlite');
  before(() => {
    const pix = makeField(12);
    const nS = pix.input.stars.length;
    const catalog = Catalog.open(pixDb);
    const store = new FrameStore(catalog.db);
    const writer = new FrameResultWriter(catalog.db);
    const rng = createRng(3);
    for (let f = 0; f < pix.times.length; f++) {
      const { frameId } = store.ingest({
        contentHash: `px${f}`,
        path: `/campaign/p${f}.fits`,
        fileName: `p${f}.fits`,
        sizeBytes: 1,
        mtimeMs: 1,
        meta: {
          frameType: 'light',
          filter: 'V',
          mjd: pix.times[f],
          exposureSec: 60,
          header: { AIRMASS: pix.airmass[f] },
        },
      });
      // Guiding drift of a few pixels and one spurious detection per frame (a cosmic ray, say).
      const [dx, dy] = [3 * Math.sin(f / 40), -2 * Math.cos(f / 55)];
      const x = [...pix.input.stars.map((s) => s.xPx + dx + 0.1 * rng.normal()), 1500 * rng.next()];
      const y = [...pix.input.stars.map((s) => s.yPx + dy + 0.1 * rng.normal()), 900 * rng.next()];
      catalog.db.transaction(() =>
        writer.write(frameId, {
          width: 2000,
          height: 1000,
          quality: {},
          ran: [],
          skipped: [],
          sources: {
            count: nS + 1,
            x: Float64Array.from(x),
            y: Float64Array.from(y),
            flux: Float64Array.from({ length: nS + 1 }, (_, s) => (s < nS ? pix.input.fluxE[f * nS + s] : 5000)),
            fluxErr: Float64Array.from({ length: nS + 1 }, (_, s) => (s < nS ? pix.input.fluxErrE[f * nS + s] : 100)),
            flags: Int32Array.from({ length: nS + 1 }, (_, s) => ((pix.input.flags?.[f * nS + s] ?? 0) ? 4 : 0)),
          },
        }),
      )();
    }
    catalog.close();
  });

  it('--x/--y: the target matches truth, the variable comparison is rejected, rows say matching=pixel', () => {
    const pix = makeField(12);
    const out = join(root, 'pixel-lc.csv');
    const star = pix.input.stars[0];
    const r = owb([
      'lightcurve',
      '--db',
      pixDb,
      '--x',
      String(star.xPx),
      '--y',
      String(star.yPx),
      '--aperture-m',
      '0.4',
      '--altitude-m',
      '1000',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /pixel matching within one pointing/);
    // Reference frame = the first (all have as many sources); its source ids follow the star order.
    assert.match(r.stderr, /rejected as variable 2 /);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    assert.equal(rows.length, pix.times.length);
    assert.equal(rows[0].matching, 'pixel');
    const d: number[] = [];
    const e: number[] = [];
    rows.forEach((row, f) => {
      if (row.flags !== '0') return;
      d.push(Number(row.mag) - pix.truth(0, f));
      e.push(Number(row.magErr));
    });
    assert.ok(d.length >= pix.times.length - 3);
    const w = e.map((x) => 1 / x ** 2);
    const mean = d.reduce((a, x, i) => a + w[i] * x, 0) / w.reduce((a, b) => a + b);
    const chi2 = d.reduce((a, x, i) => a + ((x - mean) / e[i]) ** 2, 0) / (d.length - 1);
    assert.ok(chi2 > 0.7 && chi2 < 1.3, `reduced χ² against truth ${chi2}`);
  });

  it('no star near the position: one owb: line and exit 2', () => {
    const r = owb(['lightcurve', '--db', pixDb, '--x', '5', '--y', '995', '--out', join(root, 'none.csv')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^owb: no star measured in most frames within 3 px/);
  });
});

describe('owb variability', () => {
  it('ranks the two injected variables first, stores the statistics and queues them for curation', () => {
    const out = join(root, 'var.csv');
    const r = owb(['variability', '--db', db, '--out', out, '--aperture-m', '0.4', '--altitude-m', '1000']);
    assert.equal(r.status, 0, r.stderr);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    for (const c of [
      'id',
      'ra',
      'dec',
      'nObs',
      'reducedChi2',
      'chi2Fap',
      'stetsonJ',
      'stetsonK',
      'vonNeumannEta',
      'mad',
      'iqr',
      'amplitude',
    ]) {
      assert.ok(c in rows[0], `column ${c}`);
    }
    assert.deepEqual(new Set(rows.slice(0, 2).map((row) => Number(row.id))), new Set([objectOf(0), objectOf(1)]));
    for (const row of rows.slice(2))
      assert.ok(Number(row.chi2Fap) > 1e-3 || Number(row.id) === objectOf(2), `object ${row.id} FAP ${row.chi2Fap}`);
    const catalog = Catalog.open(db);
    try {
      const stored = catalog.db.prepare('SELECT count(*) AS n FROM object_variability').get() as { n: number };
      assert.equal(stored.n, rows.length);
      const queued = catalog.db
        .prepare("SELECT object_id AS id FROM candidates WHERE kind = 'variable'")
        .all() as Array<{ id: number }>;
      assert.ok(queued.some((q) => q.id === objectOf(0)) && queued.some((q) => q.id === objectOf(1)));
    } finally {
      catalog.close();
    }
    // A second run replaces the rows and does not queue the same objects twice.
    assert.equal(owb(['variability', '--db', db, '--out', out]).status, 0);
    const again = Catalog.open(db);
    const dup = again.db
      .prepare(
        "SELECT object_id, count(*) AS n FROM candidates WHERE kind = 'variable' GROUP BY object_id HAVING n > 1",
      )
      .all();
    again.close();
    assert.deepEqual(dup, []);
  });
});

describe('owb period against astropy', { skip: !hasAstropy && 'needs /usr/bin/python3 with astropy' }, () => {
  it('ls: same best period and Baluev FAP as astropy LombScargle; bls: same best period as BoxLeastSquares', () => {
    const rng = createRng(21);
    const t: number[] = [];
    for (let i = 0; i < 400; i++) t.push(60000 + rng.int(20) + 0.1 + 0.3 * rng.next());
    const sine = join(root, 'sine.csv');
    writeFileSync(
      sine,
      `time,mag,err\n${t.map((ti) => `${ti},${12 + 0.02 * Math.sin((2 * Math.PI * ti) / 0.731) + 0.01 * rng.normal()},0.01`).join('\n')}\n`,
    );
    const transit = join(root, 'transit.csv');
    const inTransit = (ti: number): boolean => {
      const ph = (ti - 60000.25) / 1.4142;
      return Math.abs((ph - Math.round(ph)) * 1.4142) < 0.04;
    };
    writeFileSync(
      transit,
      `time,mag,err\n${t.map((ti) => `${ti},${12 + (inTransit(ti) ? 0.0109 : 0) + 0.003 * rng.normal()},0.003`).join('\n')}\n`,
    );
    const out = join(root, 'ls.json');
    let r = owb(['period', sine, '--method', 'ls', '--min-period', '0.3', '--max-period', '5', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const [ls] = JSON.parse(readFileSync(out, 'utf8'));
    const ref = py([
      '-c',
      `import numpy as np, json
from astropy.timeseries import LombScargle
d = np.genfromtxt(${JSON.stringify(sine)}, delimiter=',', names=True)
ls = LombScargle(d['time'], d['mag'], d['err'])
f = np.linspace(1/5, 1/0.3, 200000)
p = ls.power(f, method='slow' if False else 'cython')
print(json.dumps({'period': float(1/f[p.argmax()]), 'fap': float(ls.false_alarm_probability(p.max(), maximum_frequency=1/0.3, method='baluev'))}))`,
    ]);
    assert.equal(ref.status, 0, ref.stderr);
    const lsRef = JSON.parse(ref.stdout);
    assert.ok(Math.abs(ls.bestPeriod - lsRef.period) < 1e-4, `LS period ${ls.bestPeriod} vs astropy ${lsRef.period}`);
    assert.ok(Math.abs(ls.bestPeriod - 0.731) < 3 * ls.periodErr + 1e-4);
    assert.ok(ls.fap < 1e-10 && lsRef.fap < 1e-10, `FAP ${ls.fap} vs ${lsRef.fap}`);
    r = owb([
      'period',
      transit,
      '--method',
      'bls',
      '--min-period',
      '0.8',
      '--max-period',
      '3',
      '--durations',
      '0.05,0.08,0.12',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const [bls] = JSON.parse(readFileSync(out, 'utf8'));
    const bref = py([
      '-c',
      `import numpy as np, json
from astropy.timeseries import BoxLeastSquares
d = np.genfromtxt(${JSON.stringify(transit)}, delimiter=',', names=True)
flux = 10**(-0.4*(d['mag'] - np.median(d['mag'])))
m = BoxLeastSquares(d['time'], flux, flux*d['err']/1.0857362047581294)
periods = 1/np.linspace(1/3, 1/0.8, 20000)
r = m.power(periods, [0.05, 0.08, 0.12])
i = r.power.argmax()
print(json.dumps({'period': float(periods[i]), 'depth': float(r.depth[i])}))`,
    ]);
    assert.equal(bref.status, 0, bref.stderr);
    const blsRef = JSON.parse(bref.stdout);
    assert.ok(
      Math.abs(bls.bestPeriod - blsRef.period) < 2e-3,
      `BLS period ${bls.bestPeriod} vs astropy ${blsRef.period}`,
    );
    // Depth against truth within 3σ plus the epoch-grid loss (box shifted by ≤ duration/20); against astropy 10 %.
    assert.ok(Math.abs(bls.depth - 0.01) < 3 * bls.depthErr + 0.0005, `depth ${bls.depth} ± ${bls.depthErr}`);
    assert.ok(Math.abs(bls.depth - blsRef.depth) < 0.1 * blsRef.depth, `depth ${bls.depth} vs astropy ${blsRef.depth}`);
    for (const k of ['file', 'bestPeriod', 'power', 'fap', 'depth', 'duration', 't0']) assert.ok(k in bls, k);
  });

  it('a CSV without the err column: one owb: line and exit 2', () => {
    const bad = join(root, 'bad.csv');
    writeFileSync(bad, 'time,mag\n1,2\n2,3\n');
    const r = owb(['period', bad, '--out', join(root, 'x.json')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^owb: .*missing column 'err'.*\n$/);
  });
});
