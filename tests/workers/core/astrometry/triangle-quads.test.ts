// Quads from the triangles of the 3-star Tycho-2 indexes (4111–4119): each built quad keeps its
// triangle's three stars with A–B the widest pair, adds a fourth star of the index inside the circle on
// A–B (the brightest such), and carries the code that the existing quad-code functions give for it,
// canonical as in the 4-star index files (cx ≤ dx, cx + dx ≤ 1).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { readStarIndex } from '../../../../src-workers/io/star-index-file.js';
import { skyCode } from '../../../../src-workers/core/astrometry/quad-code.js';
import { quadsFromTriangles } from '../../../../src-workers/core/astrometry/triangle-quads.js';
import type { StarIndex } from '../../../../src-workers/core/astrometry/star-index.js';

const INDEX15 = '/usr/share/astrometry/index-tycho2-15.littleendian.fits';
const skip = existsSync(INDEX15) ? false : 'Tycho-2 index package astrometry-data-tycho2-10-19 absent';

describe('quads from triangles', { skip }, () => {
  let index: StarIndex;
  before(async () => {
    index = await readStarIndex(INDEX15);
  });

  it('index 15 really holds triangles: DIMQUADS 3 and 2-D codes', () => {
    assert.equal(index.dimQuads, 3);
    assert.equal(index.codes.length, (2 * index.quads.length) / 3);
  });

  it('builds up to two quads per triangle, each geometrically valid with its own code', () => {
    const built = quadsFromTriangles(index);
    const nTri = index.quads.length / 3;
    const nQuad = built.quads.length / 4;
    assert.equal(built.codes.length, built.quads.length);
    assert.ok(nQuad > 1.8 * nTri && nQuad <= 2 * nTri, `${nQuad} quads from ${nTri} triangles`);
    const xyz = index.xyz;
    const ang = (i: number, j: number) =>
      Math.acos(
        Math.min(1, xyz[3 * i] * xyz[3 * j] + xyz[3 * i + 1] * xyz[3 * j + 1] + xyz[3 * i + 2] * xyz[3 * j + 2]),
      );
    const triangles = new Set<string>();
    for (let t = 0; t < nTri; t++)
      triangles.add(
        Array.from(index.quads.subarray(3 * t, 3 * t + 3))
          .sort((a, b) => a - b)
          .join(','),
      );
    const code = new Float64Array(4);
    for (let q = 0; q < nQuad; q += 7) {
      const [a, b, c, d] = built.quads.subarray(4 * q, 4 * q + 4);
      const ab = ang(a, b);
      // A–B is the widest pair, and within the index's scale range.
      for (const [i, j] of [
        [a, c],
        [a, d],
        [b, c],
        [b, d],
        [c, d],
      ])
        assert.ok(ang(i, j) < ab);
      assert.ok(ab >= index.scaleLowRad * 0.999 && ab <= index.scaleHighRad * 1.001, `A–B ${ab} rad`);
      // Three of the four stars are one of the file's triangles.
      const has = [
        [a, b, c],
        [a, b, d],
      ].some((s) => triangles.has([...s].sort((x, y) => x - y).join(',')));
      assert.ok(has, `quad ${q} keeps no triangle of the file`);
      skyCode(xyz, [a, b, c, d], code);
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(code[k] - built.codes[4 * q + k]) < 1e-6);
      assert.ok(code[0] <= code[2] + 1e-7 && code[0] + code[2] <= 1 + 1e-7, `code ${Array.from(code)} not canonical`);
    }
  });

  it('refuses a 4-star index', () => {
    assert.throws(() => quadsFromTriangles({ ...index, dimQuads: 4 }), /needs a 3-star index/);
  });
});
