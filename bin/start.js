#!/usr/bin/env node

// `npm start`: the desktop app on the demo workspace when an Electron binary and a display exist;
// otherwise the same UI served to a browser by `owb serve` (the URL is printed on its own line).
//   node bin/start.js [--workspace DIR] [--serve]     start (DIR defaults to ./demo-workspace)
//   node bin/start.js --prepare-native                build better-sqlite3 for Electron's ABI (see
//                                                     src-main/electron-main/native-sqlite.ts)
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null; // the electron package is there but its binary was never downloaded
  }
}

const hasDisplay = () => process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const owb = (...a) => [join(root, 'bin', 'owb.js'), ...a];

function prepareNative() {
  const electronPkg = dirname(require.resolve('electron/package.json'));
  const version = JSON.parse(readFileSync(join(electronPkg, 'package.json'), 'utf8')).version;
  const abi = readFileSync(join(electronPkg, 'abi_version'), 'utf8').trim();
  const work = join(root, 'node_modules', '.cache', 'owb-electron-native', 'better-sqlite3');
  mkdirSync(dirname(work), { recursive: true });
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true });
  const opts = { cwd: work, stdio: 'inherit' };
  const bins = join(root, 'node_modules', '.bin');
  let r = spawnSync(
    join(bins, 'prebuild-install'),
    ['--runtime', 'electron', '--target', version, '--arch', process.arch],
    opts,
  );
  if (r.status !== 0) {
    console.error('prebuild-install found no Electron build; compiling against Electron headers with node-gyp');
    r = spawnSync(
      join(bins, 'node-gyp'),
      ['rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'],
      opts,
    );
  }
  if (r.status !== 0) {
    console.error('start: could not build better-sqlite3 for Electron');
    process.exit(1);
  }
  const out = join(root, 'node_modules', '.cache', 'owb-electron-native', `better_sqlite3-abi${abi}.node`);
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), out);
  console.log(`start: Electron (ABI ${abi}) build of better-sqlite3 at ${out}`);
}

async function main() {
  if (args.includes('--prepare-native')) return prepareNative();
  const workspace = resolve(option('--workspace') ?? join(root, 'demo-workspace'));
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')) || !existsSync(join(root, 'dist', 'src-main'))) {
    spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  if (!existsSync(join(workspace, 'catalog.db'))) {
    const hasDemo =
      existsSync(join(root, 'src-main', 'cli', 'commands', 'demo.ts')) ||
      existsSync(join(root, 'dist', 'src-main', 'cli', 'commands', 'demo.js'));
    if (hasDemo) {
      console.error(`start: creating the demo workspace in ${workspace} (owb demo)…`);
      spawnSync(process.execPath, owb('demo', workspace), { cwd: root, stdio: 'inherit' });
    } else {
      console.error(`start: no 'owb demo' in this build; serving an empty workspace at ${workspace}`);
    }
  }
  const electron = args.includes('--serve') ? null : electronBinary();
  if (electron && hasDisplay()) {
    const { bundlePreload } = await import('./bundle-preload.js');
    await bundlePreload();
    const main = join(root, 'dist', 'src-main', 'electron-main', 'main.js');
    const child = spawn(electron, [main, '--workspace', workspace], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.error(
    electron
      ? 'start: no display for the desktop app; serving the workbench to a browser instead'
      : 'start: no Electron binary installed; serving the workbench to a browser instead (open the URL below)',
  );
  const child = spawn(process.execPath, owb('serve', '--workspace', workspace, '--port', option('--port') ?? '0'), {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

await main();
