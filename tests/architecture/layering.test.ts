import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

// The layering of ARCHITECTURE.md is enforced by lint zones; these cases pin that a forbidden import
// in each zone is reported and an allowed one is not, so a config edit cannot silently open a hole.
const eslint = new ESLint({ cwd: process.cwd() });

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const cases: Array<{ file: string; code: string; forbidden: boolean }> = [
  {
    file: 'src-workers/core/fits/x.ts',
    code: "import { readFileSync } from 'node:fs';\nreadFileSync;\n",
    forbidden: true,
  },
  { file: 'src-workers/core/fits/x.ts', code: "import sharp from 'sharp';\nsharp;\n", forbidden: true },
  {
    file: 'src-workers/core/fits/x.ts',
    code: "import { x } from '../../../src-main/node/catalog/index.js';\nx;\n",
    forbidden: true,
  },
  {
    file: 'src-workers/core/fits/x.ts',
    code: "import { createImage } from '../image/image.js';\ncreateImage;\n",
    forbidden: false,
  },
  { file: 'src-main/common/x.ts', code: "import { x } from '../node/catalog/index.js';\nx;\n", forbidden: true },
  {
    file: 'src-main/common/x.ts',
    code: "import { createImage } from '../../src-workers/core/image/image.js';\ncreateImage;\n",
    forbidden: false,
  },
  {
    file: 'src-main/common/x.ts',
    code: "import type { X } from './tasks/detect.js';\nexport type Y = X;\n",
    forbidden: false,
  },
  {
    file: 'src-main/common/x.ts',
    code: "import { readFitsImage } from '../../src-workers/io/fits-file.js';\nreadFitsImage;\n",
    forbidden: true,
  },
  {
    file: 'src-workers/tasks/x.task.ts',
    code: "import { x } from '../../src-main/node/catalog/index.js';\nx;\n",
    forbidden: true,
  },
  { file: 'src-main/node/x.ts', code: "import { app } from 'electron';\napp;\n", forbidden: true },
  { file: 'src-main/cli/x.ts', code: "import { app } from 'electron';\napp;\n", forbidden: true },
  { file: 'src-main/preload/x.ts', code: "import { x } from '../node/catalog/index.js';\nx;\n", forbidden: true },
  { file: 'src-renderer/app/x.ts', code: "import { readFileSync } from 'node:fs';\nreadFileSync;\n", forbidden: true },
  {
    file: 'src-renderer/app/x.ts',
    code: "import { x } from '../../src-main/node/catalog/index.js';\nx;\n",
    forbidden: true,
  },
];

describe('layering lint zones (ARCHITECTURE.md)', () => {
  for (const c of cases) {
    it(`${c.forbidden ? 'rejects' : 'allows'} ${c.code.split('\n')[0]} in ${c.file}`, async () => {
      const found = await violations(c.file, c.code);
      assert.equal(found.length > 0, c.forbidden, found.join('; ') || 'no violation reported');
    });
  }
});

describe('package metadata', () => {
  it('owb --version agrees with package.json', async () => {
    const { VERSION } = await import('../../src-main/cli/version.js');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
  });

  it('denies electron its binary download so npm install works offline', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      allowScripts: Record<string, boolean>;
      devDependencies: Record<string, string>;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.allowScripts.electron, false);
    assert.ok(pkg.devDependencies.electron && !pkg.dependencies.electron, 'electron stays a dev dependency');
    assert.ok(!/electron/i.test(pkg.scripts.postinstall ?? ''), 'nothing Electron-specific in postinstall');
  });
});
