import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../../src-main/common/ipc-contract.js';
import { PAYLOAD_GUARDS } from '../../../src-main/common/ipc-guards.js';
import { decodeBinary, encodeBinary } from '../../../src-main/common/wire-codec.js';
import { createHandlers } from '../../../src-main/node/api/handlers.js';
import { openWorkspace } from '../../../src-main/node/api/services.js';

describe('ipc contract', () => {
  it('has exactly one handler and one payload guard per invoke channel, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-contract-'));
    const services = openWorkspace(dir, { pollChanges: false });
    try {
      const handlers = createHandlers(services);
      assert.deepEqual(Object.keys(handlers).sort(), [...INVOKE_CHANNELS].sort());
      assert.deepEqual(Object.keys(PAYLOAD_GUARDS).sort(), [...INVOKE_CHANNELS].sort());
      for (const channel of INVOKE_CHANNELS) assert.equal(typeof handlers[channel], 'function', channel);
    } finally {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every channel with the owb: prefix, once', () => {
    for (const channel of [...INVOKE_CHANNELS, ...EVENT_CHANNELS]) assert.match(channel, /^owb:[a-z]+\.[a-zA-Z]+$/);
    assert.equal(new Set(INVOKE_CHANNELS).size, INVOKE_CHANNELS.length);
  });

  it('guards name the offending field', () => {
    assert.equal(PAYLOAD_GUARDS['owb:frames.get']({ frameId: 3 }), null);
    assert.equal(PAYLOAD_GUARDS['owb:frames.get']({}), "'frameId' is required");
    assert.equal(PAYLOAD_GUARDS['owb:frames.get']({ frameId: 1.5 }), "'frameId' must be an integer");
    assert.equal(PAYLOAD_GUARDS['owb:frames.get']({ frameId: 1, extra: 1 }), "unexpected field 'extra'");
    assert.equal(PAYLOAD_GUARDS['owb:labels.set']({ targetKind: 'detection', targetId: 1, label: 'class:7' }), null);
    assert.match(
      PAYLOAD_GUARDS['owb:labels.set']({ targetKind: 'detection', targetId: 1, label: 'maybe' }) ?? '',
      /'label' must be accept, reject/,
    );
    assert.equal(PAYLOAD_GUARDS['owb:workspace.info'](null), 'request must be an object');
  });

  it('moves typed arrays through the binary wire codec unchanged', () => {
    const value = {
      ok: true,
      value: { width: 3, data: new Float32Array([1, Number.NaN, -2.5]), flags: new Int32Array([7]), name: 'é' },
    };
    const back = decodeBinary(encodeBinary(value)) as typeof value;
    assert.equal(back.value.name, 'é');
    assert.ok(back.value.data instanceof Float32Array);
    assert.deepEqual([...back.value.data].map(String), ['1', 'NaN', '-2.5']);
    assert.deepEqual([...back.value.flags], [7]);
  });
});
