// `--timings` / OWB_PROFILE=1 under `owb serve`: each API call's time is printed on stderr, and nothing
// is printed without it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiMetrics } from '../../../../src-main/node/serve/metrics.js';

function captureStderr(run: () => void): string {
  const original = process.stderr.write.bind(process.stderr);
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stderr.write = original;
  }
  return text;
}

describe('ApiMetrics profile lines', () => {
  it('prints one line per call with OWB_PROFILE=1, none without', () => {
    const before = process.env.OWB_PROFILE;
    try {
      process.env.OWB_PROFILE = '1';
      const on = new ApiMetrics();
      const text = captureStderr(() => on.observe('frames.pixels', true, 12.345));
      assert.equal(text, 'owb profile: serve frames.pixels ok 12.3 ms\n');
      assert.equal(on.calls.get('frames.pixels')?.ok, 1);
      delete process.env.OWB_PROFILE;
      const off = new ApiMetrics();
      assert.equal(
        captureStderr(() => off.observe('frames.pixels', false, 1)),
        '',
      );
    } finally {
      if (before === undefined) delete process.env.OWB_PROFILE;
      else process.env.OWB_PROFILE = before;
    }
  });
});
