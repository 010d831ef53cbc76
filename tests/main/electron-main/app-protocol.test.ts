// The desktop shell's pure security logic (issue 25), tested without an Electron binary: the app:// CSP
// against docs/electron.md, the mapping of app:// URLs onto the built renderer (nothing outside it), the
// documentation allow-list for openExternal, the fuses in electron-builder.yml against electron-builder's
// own schema, and that no environment variable chooses the native addon.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  APP_CSP,
  APP_ENTRY_URL,
  isAppPageUrl,
  resolveAppRequest,
} from '../../../src-main/electron-main/app-protocol.js';
import { DOCUMENTATION_URLS, isDocumentationUrl } from '../../../src-main/electron-main/external-links.js';
import { electronSqliteBinding } from '../../../src-main/electron-main/native-sqlite.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const directives = (csp: string): Map<string, string> =>
  new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );

describe('app:// Content-Security-Policy', () => {
  const csp = directives(APP_CSP);
  it('is the policy docs/electron.md describes', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'electron.md'), 'utf8');
    assert.match(doc, /`connect-src 'none'`/);
    assert.equal(csp.get('connect-src'), "'none'", 'IPC only, no network (not ws://127.0.0.1:*)');
    assert.equal(csp.get('script-src'), "'self'", "no 'unsafe-eval', no inline scripts");
    assert.equal(csp.get('style-src'), "'self' 'unsafe-inline'");
    assert.equal(csp.get('img-src'), "'self' data: blob:");
    assert.equal(csp.get('object-src'), "'none'");
    assert.equal(csp.get('base-uri'), "'none'");
    assert.equal(csp.get('default-src'), "'self'");
    for (const value of csp.values()) assert.doesNotMatch(value, /ws:|http:|https:|\*|unsafe-eval/);
  });
});

describe('app:// path resolution', () => {
  const dir = '/opt/owb/renderer';
  const file = (url: string): string | number => {
    const r = resolveAppRequest(url, dir);
    return 'file' in r ? r.file : r.status;
  };
  it('maps the entry and assets inside the renderer folder, with their types', () => {
    assert.equal(file(APP_ENTRY_URL), join(dir, 'index.html'));
    assert.equal(file('app://workbench/'), join(dir, 'index.html'));
    assert.equal(file('app://workbench/assets/index-abc.js?v=1#x'), join(dir, 'assets', 'index-abc.js'));
    assert.equal(file('app://workbench/assets/a%20b.css'), join(dir, 'assets', 'a b.css'));
    const js = resolveAppRequest('app://workbench/assets/x.js', dir);
    assert.ok('contentType' in js && js.contentType.startsWith('text/javascript'), 'ES modules need a JS type');
  });
  it('refuses everything outside it', () => {
    for (const url of [
      'app://workbench/../../etc/passwd',
      'app://workbench/%2e%2e/%2e%2e/etc/passwd',
      'app://workbench/..%2f..%2fetc%2fpasswd',
      'app://workbench/assets/..%2F..%2F..%2Fetc%2Fpasswd',
      'app://workbench/%2F..%2F..%2Fetc%2Fpasswd',
    ])
      assert.ok(
        typeof file(url) === 'number' || String(file(url)).startsWith(`${dir}/`),
        `${url} → ${file(url)} stays inside`,
      );
    assert.equal(file('app://workbench/..%2f..%2fetc%2fpasswd'), 403);
    assert.equal(file('app://workbench/%E0%A4%A'), 400);
    assert.equal(file('app://workbench/a%00b'), 400);
    assert.equal(file('app://evil/index.html'), 404);
    assert.equal(file('file:///opt/owb/renderer/index.html'), 404);
    assert.equal(file('not a url'), 400);
  });
  it('lets the window navigate only within its own page', () => {
    assert.equal(isAppPageUrl(`${APP_ENTRY_URL}#/viewer?frame=3`), true);
    assert.equal(isAppPageUrl('app://workbench/other.html'), false);
    assert.equal(isAppPageUrl('https://evil.example/'), false);
    assert.equal(isAppPageUrl('file:///opt/owb/renderer/index.html'), false);
  });
});

describe('openExternal allow-list', () => {
  it('accepts documentation pages over https on the listed hosts and paths', () => {
    assert.equal(isDocumentationUrl('https://docs.astropy.org/en/stable/io/fits/index.html'), true);
    assert.equal(isDocumentationUrl('https://fits.gsfc.nasa.gov/fits_standard.html'), true);
    assert.equal(isDocumentationUrl('https://astrometry.net/doc/readme.html#x'), true);
    for (const url of DOCUMENTATION_URLS) assert.equal(isDocumentationUrl(url), true, url);
  });
  it('refuses everything else', () => {
    for (const url of [
      'http://docs.astropy.org/en/stable/',
      'https://docs.astropy.org.evil.example/',
      'https://evil.example/?u=https://docs.astropy.org/',
      'https://evil.example/#https://docs.astropy.org/',
      'https://user:pw@docs.astropy.org/',
      'https://docs.astropy.org:8443/',
      'https://astrometry.net/use.html',
      'https://www.electronjs.org/apps',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'not a url',
      '',
    ])
      assert.equal(isDocumentationUrl(url), false, url);
  });
});

describe('packaging and native addon', () => {
  it('sets the Electron fuses, every one a fuse electron-builder knows', () => {
    const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
      electronFuses?: Record<string, unknown>;
    };
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    const fuses = config.electronFuses ?? {};
    for (const [name, value] of Object.entries(fuses)) {
      assert.ok(known.includes(name), `${name} is a fuse of electron-builder's schema`);
      assert.equal(typeof value, 'boolean', name);
    }
    assert.deepEqual(
      {
        runAsNode: fuses.runAsNode,
        enableNodeOptionsEnvironmentVariable: fuses.enableNodeOptionsEnvironmentVariable,
        enableNodeCliInspectArguments: fuses.enableNodeCliInspectArguments,
        onlyLoadAppFromAsar: fuses.onlyLoadAppFromAsar,
        enableEmbeddedAsarIntegrityValidation: fuses.enableEmbeddedAsarIntegrityValidation,
        grantFileProtocolExtraPrivileges: fuses.grantFileProtocolExtraPrivileges,
      },
      {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        grantFileProtocolExtraPrivileges: false,
      },
    );
  });

  it('no environment variable chooses the native addon', () => {
    const expected = join('/repo', 'node_modules', '.cache', 'owb-electron-native', 'better_sqlite3-abi133.node');
    process.env.OWB_ELECTRON_SQLITE = '/tmp/evil.node';
    try {
      assert.equal(electronSqliteBinding('/repo', '133'), expected);
    } finally {
      delete process.env.OWB_ELECTRON_SQLITE;
    }
    const source = readFileSync(join(ROOT, 'src-main', 'electron-main', 'native-sqlite.ts'), 'utf8');
    assert.doesNotMatch(source, /process\.env/);
  });
});
