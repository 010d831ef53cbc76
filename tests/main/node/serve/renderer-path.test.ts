// The one mapping of request paths onto the built renderer that `owb serve` and the desktop's app://
// scheme share: hostile paths get the same answer from both.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { resolveAppRequest } from '../../../../src-main/electron-main/app-protocol.js';
import { rendererContentType, rendererPath } from '../../../../src-main/node/serve/renderer-path.js';

const root = resolve('/srv/renderer');

describe('renderer paths (serve and app://)', () => {
  it('maps / and plain files under the root, with their content types', () => {
    assert.deepEqual(rendererPath(root, '/'), { file: join(root, 'index.html') });
    assert.deepEqual(rendererPath(root, '/assets/main.js'), { file: join(root, 'assets/main.js') });
    assert.equal(rendererContentType('x/A.WASM'), 'application/wasm');
    assert.equal(rendererContentType('x/a.bin'), 'application/octet-stream');
  });

  it('refuses encoded dot segments, separators that leave the root, bad escapes and NUL', () => {
    for (const p of ['/%2e%2e/etc/passwd', '/assets/%2E%2E%2F%2E%2E%2Fsecret', '/..%5c..%5csecret'])
      assert.equal((rendererPath(root, p) as { status: number }).status, 403, p);
    assert.equal((rendererPath(root, '/%zz') as { status: number }).status, 400);
    assert.equal((rendererPath(root, '/a%00b') as { status: number }).status, 400);
  });

  it('gives the app:// scheme the same answers', () => {
    for (const p of ['/', '/assets/main.js', '/%2e%2e/etc/passwd', '/%zz', '/a%00b']) {
      const viaApp = resolveAppRequest(`app://workbench${p}`, root);
      // The URL parser has already resolved literal and %2e dot segments by then, as serve's does.
      const direct = rendererPath(root, new URL(`app://workbench${p}`).pathname);
      if ('file' in direct) assert.equal((viaApp as { file: string }).file, direct.file, p);
      else assert.equal((viaApp as { status: number }).status, direct.status, p);
    }
  });
});
