// Plate solving a rendered image of the real sky, the whole way from pixels: Tycho-2 index 07's stars
// drawn as Gaussians (σ = 1.6 px) through a known TAN-SIP WCS (rotation, mirrored parity, distortion) on
// a noisy sky, with saturated stars bleeding along their columns, 300 hot pixels brighter than any star,
// 25 % of the catalog left out and 60 uncatalogued stars. `plateSolveFrame` (detection, hints, index
// choice, solve, zero point) must find the truth to 0.5 px everywhere, and the zero point of the
// generator's fluxes (mag = 22 − 2.5 log10 F) to 0.1 mag (Kron fluxes miss a few per cent of the light).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readStarIndex } from '../../../src-workers/io/star-index-file.js';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { buildConeLookup, coneStars, starRadec } from '../../../src-workers/core/astrometry/star-index.js';
import { angularSeparationDeg, radecToXyz } from '../../../src-workers/core/astrometry/sphere.js';
import { plateSolveFrame } from '../../../src-workers/tasks/plate-solve.js';
import { rng, truthWcs, type SyntheticSpec } from '../core/astrometry/synthetic-field.js';

const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';
const skip = existsSync(INDEX07) ? false : 'Tycho-2 index package astrometry-data-tycho2-07 absent';
const dir = mkdtempSync(join(tmpdir(), 'owb-rendered-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SATURATION = 60000;

describe('plate solving a rendered frame of the real sky', { skip }, () => {
  it('solves through hot pixels, bleeding saturated stars and missing or extra stars', async () => {
    const index = await readStarIndex(INDEX07, { quads: false });
    const lookup = buildConeLookup(index.xyz);
    const spec: SyntheticSpec = {
      raDeg: 83.2,
      decDeg: -1.9,
      scaleArcsec: 3,
      rotationDeg: 128,
      flip: true,
      width: 2048,
      height: 2048,
      seed: 41,
      distortion: 5e-7,
    };
    const wcs = truthWcs(spec);
    const { width, height } = spec;
    const rand = rng(spec.seed);
    const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = 1000 + 8 * gauss();
    const sigma = 1.6;
    const draw = (x0: number, y0: number, flux: number) => {
      const peak = flux / (2 * Math.PI * sigma * sigma);
      const r = Math.ceil(5 * sigma);
      for (let y = Math.max(0, Math.floor(y0) - r); y <= Math.min(height - 1, Math.floor(y0) + r); y++)
        for (let x = Math.max(0, Math.floor(x0) - r); x <= Math.min(width - 1, Math.floor(x0) + r); x++)
          data[y * width + x] += peak * Math.exp(-((x - x0) ** 2 + (y - y0) ** 2) / (2 * sigma * sigma));
    };
    const radius = (Math.hypot(width, height) / 2) * (spec.scaleArcsec / 3600) * 1.1;
    let drawn = 0;
    for (const s of coneStars(index.xyz, lookup, radecToXyz(spec.raDeg, spec.decDeg), radius)) {
      const [ra, dec] = starRadec(index, s);
      const [x, y] = wcs.skyToPixel(ra, dec);
      if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1) || rand() < 0.25) continue;
      draw(x, y, 10 ** (-0.4 * ((index.mag?.[s] ?? 12) - 22)));
      drawn++;
    }
    for (let k = 0; k < 60; k++) draw(rand() * (width - 1), rand() * (height - 1), 10 ** (-0.4 * (11.5 + rand() - 22)));
    // Saturation with bleeding: charge above full well spills up and down the column.
    for (let x = 0; x < width; x++)
      for (let y = 0; y < height; y++) {
        let excess = data[y * width + x] - SATURATION;
        if (excess <= 0) continue;
        data[y * width + x] = SATURATION;
        for (let d = 1; excess > 0 && d < 60; d++)
          for (const yy of [y - d, y + d]) {
            if (yy < 0 || yy >= height) continue;
            const room = SATURATION - data[yy * width + x];
            const take = Math.min(room, excess / 2);
            data[yy * width + x] += take;
            excess -= take;
          }
      }
    for (let k = 0; k < 300; k++) data[Math.floor(rand() * height) * width + Math.floor(rand() * width)] = SATURATION;
    const path = join(dir, 'orion.fits');
    await writeFitsImage(path, { width, height, data }, { header: { SATURATE: SATURATION } });

    const out = await plateSolveFrame({
      path,
      raDeg: spec.raDeg - 0.5,
      decDeg: spec.decDeg + 0.4,
      radiusDeg: 1,
      scaleLowArcsec: 2.7,
      scaleHighArcsec: 3.3,
    });
    assert.ok(out.solved, out.reason);
    assert.equal(out.flipped, true);
    // The solution's own cards, read back as a WCS, against the truth over the frame.
    const cards = Object.fromEntries((out.cards ?? []).map((c) => [c.key, c.value]));
    const { wcsFromHeader, recordSource } = await import('../../../src-workers/core/wcs/index.js');
    const sol = wcsFromHeader(recordSource(cards), 'solution');
    let worst = 0;
    for (let i = 0; i <= 10; i++)
      for (let j = 0; j <= 10; j++) {
        const x = (i / 10) * (width - 1);
        const y = (j / 10) * (height - 1);
        const [a, b] = sol.pixelToSky(x, y);
        const [c, d] = wcs.pixelToSky(x, y);
        worst = Math.max(worst, (angularSeparationDeg(a, b, c, d) * 3600) / spec.scaleArcsec);
      }
    assert.ok(worst < 0.5, `worst ${worst.toFixed(3)} px`);
    assert.ok(out.zeroPoint !== undefined && Math.abs(out.zeroPoint - 22) < 0.1, `zero point ${out.zeroPoint}`);
    console.log(
      `# rendered ${drawn} catalog stars: ${out.matched} matched, worst ${worst.toFixed(3)} px, zp ${out.zeroPoint?.toFixed(3)} ± ${out.zeroPointErr?.toFixed(3)} (truth 22), ${out.seconds.toFixed(2)} s`,
    );
  });
});
