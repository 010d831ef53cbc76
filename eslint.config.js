// One restricted-imports zone per row of ARCHITECTURE.md's layering table.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'core/common/renderer must stay free of Node APIs' };
const electron = { group: ['electron'], message: 'only electron-main and preload import electron' };
const npmPackages = { regex: '^[^./]', message: 'core imports nothing outside itself' };
const zone = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'build/**',
      'node_modules/**',
      'tests/fixtures/**',
      'coverage/**',
      'bench-data/**',
      'test-results/**',
      'demo-workspace/**',
      '**/*.generated.ts',
      'src-workers/core/wcs/kernels/*.as.ts', // AssemblyScript @inline decorators: not TypeScript syntax
    ],
  },
  {
    // Plain Node scripts (bin/, scripts/) are not type-checked; declare the Node globals they use.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Node's recursive mkdir can spin forever on a path a user gave (src-workers/io/make-dirs.ts).
    files: ['src-main/**/*.ts', 'src-workers/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression:matches([callee.name=/^mkdir(Sync)?$/], [callee.property.name=/^mkdir(Sync)?$/]) > ObjectExpression > Property[key.name='recursive'][value.value=true]",
          message: 'use makeDirs from src-workers/io/make-dirs.ts: a recursive mkdir can spin forever',
        },
      ],
    },
  },
  zone(
    ['src-workers/core/**/*.ts'],
    [
      nodeBuiltins,
      electron,
      npmPackages,
      { group: ['**/src-main/**', '**/tasks/**', '**/io/**'], message: 'core imports nothing outside itself' },
    ],
  ),
  zone(
    ['src-main/common/**/*.ts'],
    [
      nodeBuiltins,
      electron,
      {
        group: ['**/node/**', '**/cli/**', '**/src-workers/tasks/**', '**/src-workers/io/**', '**/src-renderer/**'],
        message: 'common imports only core',
      },
    ],
  ),
  zone(
    ['src-workers/tasks/**/*.ts', 'src-workers/io/**/*.ts'],
    [
      electron,
      {
        group: ['**/src-main/node/**', '**/src-main/cli/**', '**/src-renderer/**'],
        message: 'tasks and io import only core, common, node:* and sharp',
      },
    ],
  ),
  zone(
    ['src-workers/ml/**/*.ts'],
    [
      electron,
      {
        group: ['**/src-main/**', '**/src-renderer/**', '**/tasks/**'],
        message: 'ml imports only core, common, node:* and its ML code',
      },
    ],
  ),
  zone(
    ['src-main/node/**/*.ts'],
    [
      electron,
      {
        group: ['**/src-renderer/**', '**/tasks/*.task.js', '**/cli/**'],
        message: 'node services load tasks by file name through piscina',
      },
    ],
  ),
  zone(
    ['src-main/cli/**/*.ts'],
    [
      electron,
      {
        group: ['**/src-renderer/**', '**/electron-main/**'],
        message: 'the CLI drives node services without a window',
      },
    ],
  ),
  zone(
    ['src-main/electron-main/**/*.ts'],
    [{ group: ['**/src-renderer/**'], message: 'main never imports the renderer' }],
  ),
  zone(
    ['src-main/preload/**/*.ts'],
    [nodeBuiltins, { group: ['**/node/**', '**/src-workers/**'], message: 'preload exposes invoke and on only' }],
  ),
  zone(
    ['src-renderer/**/*.{ts,tsx}'],
    [
      nodeBuiltins,
      electron,
      {
        group: ['**/src-main/node/**', '**/src-main/cli/**', '**/src-workers/tasks/**', '**/src-workers/io/**'],
        message: 'the renderer talks to services only through the typed API',
      },
    ],
  ),
);
