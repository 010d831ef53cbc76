// A real frame end to end: the DSS POSS-I M67 plate, hinted by its own header (OBJCTRA/OBJCTDEC, PLTSCALE ×
// XPIXELSZ), solved against the packaged Tycho-2 and compared with the plate's own DSS solution as astropy
// evaluates it. solve-field with the same Tycho-2 indexes does not solve this frame (it has no whole index
// quad inside; see docs/plate-solving.md), so the DSS solution is the independent reference here.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src-workers/core/errors.js';
import { plateSolveFrame, type PlateSolveOutput } from '../../../src-workers/tasks/plate-solve.js';
import { fitsverify, python, REAL_DIR } from '../fits-oracles.js';

// OWB_REAL_DIR points at the real frames from a worktree that is not beside shared/.
const M67 = join(process.env.OWB_REAL_DIR ?? REAL_DIR, 'dss_poss1_m67_M6707HH.fits');
const skip = !existsSync('/usr/share/astrometry/index-tycho2-07.littleendian.fits')
  ? 'Tycho-2 index 07 absent (Debian package astrometry-data-tycho2-07)'
  : !existsSync(M67)
    ? `${M67} absent`
    : false;
const tmp = mkdtempSync(join(tmpdir(), 'owb-plate-solve-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('plate solving the DSS M67 plate', { skip }, () => {
  const out = join(tmp, 'm67-solved.fits');
  let result: PlateSolveOutput;
  before(async () => {
    // A correctness test: a search limit far above what the solve needs, so a loaded machine cannot fail it.
    result = await plateSolveFrame({ path: M67, outPath: out });
  });

  it('solves from the header hints with ≥ 10 matched Tycho-2 stars and log-odds ≥ ln 1e9', () => {
    assert.ok(result.solved, result.reason);
    assert.ok(result.hintSource.includes('OBJCTRA/OBJCTDEC'));
    assert.ok(result.matched! >= 10 && result.logOdds! >= Math.log(1e9));
    assert.ok(Math.abs(result.scaleArcsec! - 1.7) < 0.01, `scale ${result.scaleArcsec}`);
    assert.equal(result.flipped, false);
  });

  it("agrees with the plate's DSS solution (astropy) to 2.5″ rms and 4″ at worst over the frame", () => {
    // The DSS cards stay in the copy (other cards are untouched), so astropy would still prefer them:
    // read our WCS from the copy without them.
    const r = JSON.parse(
      python(`
import json, warnings, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
warnings.simplefilter('ignore')
a = WCS(fits.getheader(${JSON.stringify(M67)}))
h = fits.getheader(${JSON.stringify(out)})
dss = lambda k: k.startswith(('AMD', 'PLT', 'PPO')) or k in ('CNPIX1', 'CNPIX2', 'XPIXELSZ', 'YPIXELSZ')
b = WCS(fits.Header([c for c in h.cards if not dss(c.keyword)]))
g = np.array([[x, y] for x in np.linspace(0, 1058, 11) for y in np.linspace(0, 1058, 11)])
p = a.all_pix2world(g, 0); q = b.all_pix2world(g, 0)
d = np.hypot((p[:, 0] - q[:, 0]) * np.cos(np.radians(p[:, 1])), p[:, 1] - q[:, 1]) * 3600
same = bool(np.array_equal(fits.getdata(${JSON.stringify(M67)}), fits.getdata(${JSON.stringify(out)})))
print(json.dumps({'max': float(d.max()), 'rms': float(np.sqrt((d ** 2).mean())), 'same': same}))`),
    ) as { max: number; rms: number; same: boolean };
    assert.ok(r.rms < 2.5 && r.max < 4, `rms ${r.rms.toFixed(2)}″, max ${r.max.toFixed(2)}″`);
    assert.ok(r.same, 'the pixel data changed');
  });

  it('writes a copy fitsverify accepts as well as the input, with provenance HISTORY', () => {
    const a = fitsverify(M67);
    const b = fitsverify(out);
    assert.equal(b.errors, 0, b.output);
    assert.ok(b.warnings <= a.warnings, b.output);
    const head = readFileSync(out)
      .subarray(0, 2880 * 6)
      .toString('latin1');
    assert.match(head, /HISTORY owb solve: plate solution of dss_poss1_m67_M6707HH\.fits/);
    assert.match(head, /CTYPE1 {2}= 'RA---TAN/);
    // The zero point of the matched Tycho-2 stars (V_T on a photographic plate: only its presence and
    // bookkeeping are checked here; its accuracy is tested on synthetic truth in zero-point.test.ts).
    const zp = JSON.parse(
      python(
        `import json\nfrom astropy.io import fits\nh = fits.getheader(${JSON.stringify(out)})\nprint(json.dumps([h['PHOTZP'], h['PHOTZPER']]))`,
      ),
    ) as [number, number];
    assert.equal(zp[0], Number(result.zeroPoint!.toFixed(4)));
    assert.ok(zp[1] > 0 && zp[1] < 1 && result.zeroPointStars! >= 3);
  });

  it('never overwrites the input or a file owb solve did not write', async () => {
    const copy = join(tmp, 'input.fits');
    copyFileSync(M67, copy);
    await assert.rejects(
      plateSolveFrame({ path: copy, outPath: copy }),
      (e: unknown) => e instanceof InputError && /is the input file/.test(e.message),
    );
    const other = join(tmp, 'other.fits');
    writeFileSync(other, 'precious');
    await assert.rejects(
      plateSolveFrame({ path: copy, outPath: other }),
      (e: unknown) => e instanceof InputError && /not written by owb solve/.test(e.message),
    );
    assert.equal(readFileSync(other, 'utf8'), 'precious');
    // Its own earlier output may be replaced.
    const again = await plateSolveFrame({ path: copy, outPath: out });
    assert.ok(again.solved);
  });
});
