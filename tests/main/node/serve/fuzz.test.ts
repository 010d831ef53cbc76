/**
 * Hostile-input fuzz of `owb serve` (issue 25): a fixed, seeded number of random and malformed HTTP
 * requests, JSON bodies, raw TCP bytes and WebSocket frames (RSV bits, reserved opcodes, lengths past
 * maxPayload, bad UTF-8) against one server process started for this file. Checks that the process stays
 * up, never answers 5xx or resets a well-formed request, stays under 300 MB RSS, and leaves the catalog and
 * the workspace's files exactly as they were.
 *
 * CI runs OWB_FUZZ_ITERATIONS (default 3000) iterations, well under a minute; the goal of 10⁵
 * requests is `npm run bench serve` or `node --import tsx bench/serve-fuzz.ts` (prints the counts and peak RSS).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';
import { catalogFingerprint, fileListing, startServeChild, type ServeChild } from './fuzz-harness.js';
import { httpRequest } from './raw-client.js';
import { fuzzServe } from './serve-fuzz.js';

const ITERATIONS = Number(process.env.OWB_FUZZ_ITERATIONS ?? 3000);
const RSS_LIMIT_MB = 300;

describe('owb serve under a hostile-input fuzz', () => {
  let dir: string;
  let serve: ServeChild;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-fuzz-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 128, starCount: 6 });
    serve = await startServeChild(dir);
  });
  after(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`survives ${ITERATIONS} fuzzed requests with bounded memory and an unchanged catalog`, async () => {
    const catalogBefore = catalogFingerprint(join(dir, 'catalog.db'));
    const filesBefore = fileListing(dir);
    let peakMB = serve.rssMB();
    const sampler = setInterval(() => (peakMB = Math.max(peakMB, serve.rssMB())), 100);
    let report;
    try {
      report = await fuzzServe({ port: serve.port, token: serve.token, iterations: ITERATIONS, seed: 25 });
    } finally {
      clearInterval(sampler);
    }
    peakMB = Math.max(peakMB, serve.rssMB());
    const summary = `${JSON.stringify(report.byKind)} ${JSON.stringify(report.statuses)} peak ${peakMB.toFixed(0)} MB`;
    assert.equal(serve.child.exitCode, null, `owb serve died: ${serve.stderrTail().slice(-2000)}`);
    assert.equal((await httpRequest(serve.port, { path: '/health' })).status, 200);
    assert.deepEqual(report.failures, [], summary);
    assert.equal(report.iterations, ITERATIONS);
    assert.ok(peakMB <= RSS_LIMIT_MB, `peak RSS ${peakMB.toFixed(0)} MB > ${RSS_LIMIT_MB} MB`);
    assert.equal(catalogFingerprint(join(dir, 'catalog.db')), catalogBefore, 'the catalog changed');
    assert.deepEqual(fileListing(dir), filesBefore, 'files in the workspace changed');
    assert.doesNotMatch(serve.stderrTail(), /internal error [0-9a-f]{12}/, 'no bug of ours was hit');
    // Every kind of input was exercised, including the ones that used to crash the process.
    for (const kind of ['http', 'invoke', 'tcp', 'ws']) assert.ok((report.byKind[kind] ?? 0) > 0, kind);
    assert.ok((report.statuses['ws-1002'] ?? 0) > 0, `RSV/opcode frames closed with 1002: ${summary}`);
    assert.ok((report.statuses['ws-1009'] ?? 0) > 0, `over-maxPayload closed with 1009: ${summary}`);
    assert.ok((report.statuses['413'] ?? 0) > 0, `bodies over 1 MiB answered 413: ${summary}`);
    console.log(`fuzz: ${ITERATIONS} iterations ${summary}`);
  });
});
