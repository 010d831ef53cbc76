import { join } from 'node:path';
import { cubeHdu, encodeFits } from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/image.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import { frameNoiseSigma, makeTriplet, type Triplet } from '../../../src-workers/ml/triplets.js';

/**
 * Writes `count` triplets cut from `frames` (sample i from frame i mod n) as FITS cubes of 3 planes
 * (science, reference, difference) into DIR/real and DIR/bogus, with `truth.csv` (file,label,kind,x,y).
 * Used by tests and the bench to make real/bogus sets with known labels.
 */
export function writeTripletSet(
  dir: string,
  frames: readonly Image[],
  count: number,
  size: number,
  seed: number,
): Triplet[] {
  makeDirs(join(dir, 'real'));
  makeDirs(join(dir, 'bogus'));
  const sigmas = frames.map(frameNoiseSigma);
  const rows = ['file,label,kind,x,y'];
  const out: Triplet[] = [];
  for (let i = 0; i < count; i++) {
    const f = i % frames.length;
    const t = makeTriplet(frames[f], sigmas[f], size, seed, i);
    const file = `${t.label ? 'real' : 'bogus'}/t${String(i).padStart(6, '0')}.fits`;
    const hdu = cubeHdu(size, size, [t.science, t.reference, t.difference], {
      header: { OBJECT: `owb triplet ${i}`, OWBKIND: t.kind },
    });
    writeFileAtomicUnsynced(join(dir, file), encodeFits([hdu]));
    rows.push(`${file},${t.label},${t.kind},${t.x.toFixed(3)},${t.y.toFixed(3)}`);
    out.push(t);
  }
  writeFileAtomicUnsynced(join(dir, 'truth.csv'), `${rows.join('\n')}\n`);
  return out;
}
