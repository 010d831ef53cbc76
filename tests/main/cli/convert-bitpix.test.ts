// `owb convert --bitpix 16/8` (spawned as a user runs it) checked through astropy's reading of the
// output: float data are scaled over the whole integer range with BSCALE/BZERO, so every pixel is
// within BSCALE/2 of the input (plus float32 rounding) and nothing is clipped, and stderr and a HISTORY
// card say that values were rounded; integer data that fit, with or without NaN, come back exactly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { python } from '../../workers/fits-oracles.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-convert-bitpix-'));

function owb(...args: string[]): { status: number; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stderr: r.stderr };
}

/** Writes `make` (numpy code defining d) as float32 FITS, converts it, and compares with astropy. */
function roundTrip(
  name: string,
  make: string,
  bitpix: number,
): { report: Record<string, number | boolean | string[]>; stderr: string } {
  const input = join(dir, `${name}-in.fits`);
  const output = join(dir, `${name}-${bitpix}.fits`);
  python(
    `import numpy as np\nfrom astropy.io import fits\nrng = np.random.default_rng(3)\n${make}\nfits.PrimaryHDU(d.astype(np.float32)).writeto(${JSON.stringify(input)})`,
  );
  const r = owb('convert', input, output, '--bitpix', String(bitpix));
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(
    python(
      `import json, numpy as np\nfrom astropy.io import fits\na = fits.getdata(${JSON.stringify(input)}).astype(np.float64)\n` +
        `h = fits.getheader(${JSON.stringify(output)}); b = fits.getdata(${JSON.stringify(output)}).astype(np.float64)\n` +
        `ok = np.isfinite(a)\n` +
        // NaN is checked on the stored codes: astropy 5.2 does not turn BLANK into NaN for BITPIX 8.
        `raw = fits.getdata(${JSON.stringify(output)}, do_not_scale_image_data=True)\n` +
        `nanSame = bool((np.isnan(a) == (raw == h['BLANK'])).all()) if 'BLANK' in h else not np.isnan(a).any()\n` +
        `print(json.dumps(dict(bitpix=h['BITPIX'], bscale=h.get('BSCALE', 1.0), bzero=h.get('BZERO', 0.0), maxerr=float(np.abs(a[ok] - b[ok]).max()), nanSame=nanSame, inMin=float(a[ok].min()), inMax=float(a[ok].max()), outMin=float(b[ok].min()), outMax=float(b[ok].max()), history=[str(x) for x in h.get('HISTORY', [])])))`,
    ),
  );
  return { report, stderr: r.stderr };
}

describe('owb convert --bitpix 16 and 8', () => {
  for (const bitpix of [16, 8]) {
    it(`BITPIX ${bitpix}: float data scaled over the full range, rounded within BSCALE/2, never clipped, and said so`, () => {
      const { report, stderr } = roundTrip(
        `float${bitpix}`,
        `d = rng.normal(1000, 50, (40, 30)); d[0, 0] = -500.25; d[1, 1] = 1e5; d[2, 2] = np.nan`,
        bitpix,
      );
      const bscale = report.bscale as number;
      assert.equal(report.bitpix, bitpix);
      const span = bitpix === 16 ? 65534 : 254;
      assert.ok(Math.abs(bscale - (1e5 + 500.25) / span) < 1e-6 * bscale, `BSCALE ${bscale}`);
      const tol = bscale / 2 + 1e5 * 2 ** -23;
      assert.ok((report.maxerr as number) <= tol, `max error ${report.maxerr} > ${tol}`);
      assert.ok(
        Math.abs((report.outMin as number) - -500.25) <= tol && Math.abs((report.outMax as number) - 1e5) <= tol,
      );
      assert.equal(report.nanSame, true);
      assert.match(
        stderr,
        new RegExp(
          `^owb convert: float${bitpix}-${bitpix}\\.fits: BITPIX ${bitpix} stores BSCALE = [0-9.e+-]+, BZERO = [0-9.e+-]+; values are rounded \\(max error [0-9.e+-]+\\); use --bitpix -32 to keep them exactly\\n$`,
        ),
      );
      assert.ok(
        (report.history as string[]).some((h) =>
          h.startsWith(`owb convert: BITPIX ${bitpix} rounds values to steps of BSCALE`),
        ),
      );
    });
  }

  it('integer data that fit are stored exactly: unsigned 16-bit with BZERO 32768, and 0 stays 0 beside NaN', () => {
    const u = roundTrip(
      'uint16',
      `d = rng.integers(0, 65536, (20, 20)).astype(np.float64); d[0, 0] = 0; d[0, 1] = 65535`,
      16,
    );
    assert.deepEqual([u.report.maxerr, u.report.bscale, u.report.bzero, u.stderr], [0, 1, 32768, '']);
    const n = roundTrip(
      'withnan',
      `d = rng.integers(-100, 100, (20, 20)).astype(np.float64); d[0, 0] = 0; d[5, 5] = np.nan`,
      16,
    );
    assert.deepEqual([n.report.maxerr, n.report.nanSame, n.stderr], [0, true, '']);
    const b = roundTrip(
      'bytes',
      `d = rng.integers(0, 200, (20, 20)).astype(np.float64); d[3, 3] = 0; d[4, 4] = np.nan`,
      8,
    );
    assert.deepEqual([b.report.maxerr, b.report.nanSame, b.stderr], [0, true, '']);
  });
});
