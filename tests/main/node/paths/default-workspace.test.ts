import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultWorkspaceDir } from '../../../../src-main/node/paths/default-workspace.js';

describe('defaultWorkspaceDir (issue 25: serve without --workspace)', () => {
  it('uses $XDG_DATA_HOME on Linux', () => {
    const dir = defaultWorkspaceDir({ platform: 'linux', home: '/home/ana', env: { XDG_DATA_HOME: '/data/ana' } });
    assert.equal(dir, '/data/ana/observatory-workbench/workspace');
  });

  it('falls back to ~/.local/share when XDG_DATA_HOME is unset, empty or relative (XDG spec: ignore it)', () => {
    for (const XDG_DATA_HOME of [undefined, '', 'relative/share']) {
      const env = XDG_DATA_HOME === undefined ? {} : { XDG_DATA_HOME };
      assert.equal(
        defaultWorkspaceDir({ platform: 'linux', home: '/home/ana', env }),
        '/home/ana/.local/share/observatory-workbench/workspace',
      );
    }
  });

  it('reads HOME from the given environment', () => {
    assert.equal(
      defaultWorkspaceDir({ platform: 'freebsd', env: { HOME: '/usr/home/bo' } }),
      '/usr/home/bo/.local/share/observatory-workbench/workspace',
    );
  });

  it('uses Application Support on macOS and %LOCALAPPDATA% on Windows', () => {
    assert.equal(
      defaultWorkspaceDir({ platform: 'darwin', home: '/Users/ana', env: { XDG_DATA_HOME: '/ignored' } }),
      '/Users/ana/Library/Application Support/observatory-workbench/workspace',
    );
    assert.equal(
      defaultWorkspaceDir({
        platform: 'win32',
        home: 'C:\\Users\\ana',
        env: { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' },
      }),
      'C:\\Users\\ana\\AppData\\Local\\observatory-workbench\\workspace',
    );
    assert.equal(
      defaultWorkspaceDir({ platform: 'win32', home: 'C:\\Users\\bo', env: {} }),
      'C:\\Users\\bo\\AppData\\Local\\observatory-workbench\\workspace',
    );
  });

  it('lets OWB_WORKSPACE win, as the desktop app always has', () => {
    assert.equal(
      defaultWorkspaceDir({
        platform: 'linux',
        home: '/home/ana',
        env: { OWB_WORKSPACE: '/srv/ws', XDG_DATA_HOME: '/d' },
      }),
      '/srv/ws',
    );
  });
});
