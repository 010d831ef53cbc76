// A served frame's first decode runs in slices: `decodeImageHduYielding` gives exactly `decodeImageHdu`'s
// pixels (every BITPIX, scaled, cube planes) and errors, and lets the event loop run between its slices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeImageHduYielding } from '../../../../src-main/node/api/frame-images.js';
import {
  cubeHdu,
  decodeImageHdu,
  encodeFits,
  imageHdu,
  parseFits,
  type FitsHdu,
} from '../../../../src-workers/core/fits/index.js';

function frame(width: number, height: number, seed: number): Float32Array {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919 + seed) % 50_000) / 3 - 200;
  return data;
}

function firstHdu(bytes: Uint8Array): FitsHdu {
  return parseFits(bytes, { fileName: 'test.fits' }).hdus[0];
}

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return assert.fail('expected an error');
}

describe('decodeImageHduYielding', () => {
  it('decodes every BITPIX (with BZERO/BSCALE) to the same pixels as decodeImageHdu', async () => {
    const width = 1500;
    const height = 900;
    for (const bitpix of [-32, -64, 32, 16, 8] as const) {
      const hdu = firstHdu(encodeFits([imageHdu({ width, height, data: frame(width, height, bitpix) }, { bitpix })]));
      const sliced = await decodeImageHduYielding(hdu, { fileName: 'test.fits' });
      assert.deepEqual(sliced, decodeImageHdu(hdu, { fileName: 'test.fits' }), `BITPIX ${bitpix}`);
    }
  });

  it('decodes the plane asked for of a cube, and refuses a plane outside it with the same error', async () => {
    const planes = [frame(700, 800, 1), frame(700, 800, 2), frame(700, 800, 3)];
    const hdu = firstHdu(encodeFits([cubeHdu(700, 800, planes)]));
    for (const plane of [0, 2]) {
      assert.deepEqual(await decodeImageHduYielding(hdu, { plane }), decodeImageHdu(hdu, { plane }));
    }
    const sliced = await thrown(() => decodeImageHduYielding(hdu, { plane: 3, fileName: 'cube.fits' }));
    const plain = await thrown(() => decodeImageHdu(hdu, { plane: 3, fileName: 'cube.fits' }));
    assert.deepEqual(sliced, plain);
    assert.match(String((sliced as Error).message), /cube\.fits: plane 3 is outside 0\.\.2/);
  });

  it('lets other callbacks run between its slices', async () => {
    const width = 2048;
    const height = 2048;
    const hdu = firstHdu(encodeFits([imageHdu({ width, height, data: frame(width, height, 5) })]));
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const image = await decodeImageHduYielding(hdu);
    running = false;
    assert.equal(image.data.length, width * height);
    // 4 Mi pixels in slices of 2^19: the loop ran other work at least 7 times before the frame was ready.
    assert.ok(turns >= 7, `other callbacks ran ${turns} times during the decode`);
  });
});
