// Issue 23 (integrity): CHECKSUM/DATASUM verified at ingest. A frame astropy wrote with checksum=True is
// `ok`, the same frame with one byte flipped is `bad` (ingested with a warning naming the file and HDU,
// or refused with --strict: exit 2), a frame without the keywords is `absent`; `owb info` says the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openWorkspace } from '../../../src-main/node/api/services.js';
import { frameHandlers } from '../../../src-main/node/api/frames.js';
import { PYTHON, python } from '../../workers/fits-oracles.js';

const repo = resolve(import.meta.dirname, '../../..');
const noAstropy =
  !existsSync(PYTHON) || python('import importlib.util as u\nprint(bool(u.find_spec("astropy")))').trim() !== 'True';
const root = mkdtempSync(join(tmpdir(), 'owb-watch-checksum-'));
after(() => rmSync(root, { recursive: true, force: true }));

const owb = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });

function states(db: string): Record<string, { state: string | null; note: string | null }> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn.prepare('SELECT file_name, checksum_state, checksum_note FROM frames').all() as Array<{
      file_name: string;
      checksum_state: string | null;
      checksum_note: string | null;
    }>;
    return Object.fromEntries(rows.map((r) => [r.file_name, { state: r.checksum_state, note: r.checksum_note }]));
  } finally {
    conn.close();
  }
}

describe(
  'owb watch verifies CHECKSUM/DATASUM (issue 23)',
  { skip: noAstropy && 'needs /usr/bin/python3 with astropy' },
  () => {
    const frames = join(root, 'frames');
    mkdirSync(frames);
    if (!noAstropy) {
      python(`
import numpy as np
from astropy.io import fits
rng = np.random.default_rng(5)
img = rng.normal(500, 10, (64, 64)).astype('>f4')
h = fits.Header({'IMAGETYP': 'Light Frame', 'FILTER': 'V', 'EXPTIME': 10.0})
fits.PrimaryHDU(img, header=h).writeto(${JSON.stringify(join(frames, 'good.fits'))}, checksum=True)
fits.PrimaryHDU(img + 1, header=h).writeto(${JSON.stringify(join(frames, 'plain.fits'))})
fits.PrimaryHDU(img + 2, header=h).writeto(${JSON.stringify(join(root, 'tmp.fits'))}, checksum=True)
`);
      const bytes = readFileSync(join(root, 'tmp.fits'));
      bytes[2880 + 1001] ^= 0x10; // one data byte
      writeFileSync(join(frames, 'bad.fits'), bytes);
    }

    it('flags the frames in the catalog and warns about the bad one, naming file and HDU', () => {
      const db = join(root, 'lenient.db');
      const run = owb(['watch', frames, '--db', db, '--once', '--threads', '1']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(
        run.stderr,
        /^owb: watch: warning: \S*bad\.fits: HDU 0: DATASUM does not match the data; HDU 0: CHECKSUM does not match/m,
      );
      assert.doesNotMatch(run.stderr, /good\.fits|plain\.fits/);
      assert.deepEqual(states(db), {
        'good.fits': { state: 'ok', note: null },
        'plain.fits': { state: 'absent', note: null },
        'bad.fits': { state: 'bad', note: 'HDU 0: DATASUM does not match the data; HDU 0: CHECKSUM does not match' },
      });
    });

    it('the UI API (owb:frames.list, the Frames view) carries the verdict and the mismatch', async () => {
      const ws = join(root, 'ws');
      mkdirSync(ws);
      const run = owb(['watch', frames, '--db', join(ws, 'catalog.db'), '--once', '--threads', '1']);
      assert.equal(run.status, 0, run.stderr);
      const services = openWorkspace(ws, { pollChanges: false });
      try {
        const rows = await frameHandlers(services)['owb:frames.list']({} as never);
        const byName = Object.fromEntries(rows.map((r) => [r.fileName, [r.checksumState, r.checksumNote]]));
        assert.deepEqual(byName, {
          'good.fits': ['ok', null],
          'plain.fits': ['absent', null],
          'bad.fits': ['bad', 'HDU 0: DATASUM does not match the data; HDU 0: CHECKSUM does not match'],
        });
      } finally {
        services.close();
      }
    });

    it('--strict refuses the bad frame with exit 2 and takes the others', () => {
      const db = join(root, 'strict.db');
      const run = owb(['watch', frames, '--db', db, '--once', '--strict', '--threads', '1']);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^owb: watch: \S*bad\.fits: refused: bad checksum: HDU 0: DATASUM does not match/m);
      assert.deepEqual(Object.keys(states(db)).sort(), ['good.fits', 'plain.fits']);
    });

    it('owb info warns about the bad file, and with --strict exits 2 with one line naming file and HDU', () => {
      const lenient = owb(['info', join(frames, 'bad.fits')]);
      assert.equal(lenient.status, 0, lenient.stderr);
      assert.match(lenient.stderr, /^owb: warning: bad\.fits: HDU 0: DATASUM does not match the data/m);
      const strict = owb(['info', '--strict', join(frames, 'bad.fits')]);
      assert.equal(strict.status, 2, strict.stderr);
      assert.deepEqual(strict.stderr.trim().split('\n'), [
        'owb: bad.fits: HDU 0: DATASUM does not match the data; HDU 0: CHECKSUM does not match',
      ]);
      for (const name of ['good.fits', 'plain.fits']) {
        const run = owb(['info', '--strict', join(frames, name)]);
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stderr, '');
      }
    });
  },
);
