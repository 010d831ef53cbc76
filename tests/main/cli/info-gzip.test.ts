// Large and hostile .fits.gz files through `owb info`, spawned as a user runs it, with the peak memory
// (maxRSS) of the process reported by a preloaded hook. Inputs are multi-member gzip files (RFC 1952
// §2.2) built from a few small members repeated, so a test file of a few MB inflates to hundreds.
// Checked: a file inflating past OWB_MAX_INFLATE_BYTES exits 2 with one `owb:` line naming the file and
// the limit, without holding the inflated bytes; a 128 MiB one under the limit gives numpy's statistics
// of its pixels (exact min/max/median, 1e-12 relative mean, 1e-10 stdev) in bounded memory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { python } from '../../workers/fits-oracles.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-info-gzip-'));
const MiB = 1024 * 1024;
/** Peak memory allowed for `owb info` on files whose inflated data are 128–600 MiB. */
const RSS_LIMIT_MB = 250;

const rssHook =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { writeFileSync } from 'node:fs';\n` +
      `process.on('exit', () => writeFileSync(process.env.OWB_RSS_FILE, String(process.resourceUsage().maxRSS)));`,
  );

function owb(
  env: Record<string, string>,
  ...args: string[]
): { status: number; stdout: string; stderr: string; rssMb: number } {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', rssHook, 'src-main/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env, OWB_RSS_FILE: rssFile },
    maxBuffer: 1 << 26,
  });
  return {
    status: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
  };
}

function header(cards: Array<[string, string | number]>): Buffer {
  const text =
    cards.map(([k, v]) => `${k.padEnd(8)}= ${String(v).padStart(20)}`.padEnd(80)).join('') + 'END'.padEnd(80);
  return Buffer.from(text.padEnd(Math.ceil(text.length / 2880) * 2880, ' '), 'latin1');
}

/** A seeded 4 KiB pattern of bytes 0–255 (mulberry32), repeated to 1 MiB: one gzip member of ≈ 8 KB. */
function patternBlock(): { pattern: Buffer; member: Buffer } {
  let a = 7;
  const pattern = Buffer.alloc(4096);
  for (let i = 0; i < pattern.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    pattern[i] = ((t ^ (t >>> 14)) >>> 0) % 256;
  }
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i += pattern.length) pattern.copy(block, i);
  return { pattern, member: gzipSync(block) };
}

/** A BITPIX 8 image of 1024 × (1024 × mib) pixels as a multi-member .fits.gz, padded to whole blocks. */
function bigFitsGz(name: string, mib: number): { path: string; pattern: Buffer } {
  const { pattern, member } = patternBlock();
  const head = header([
    ['SIMPLE', 'T'],
    ['BITPIX', 8],
    ['NAXIS', 2],
    ['NAXIS1', 1024],
    ['NAXIS2', 1024 * mib],
  ]);
  const pad = (2880 - ((mib * MiB) % 2880)) % 2880;
  const parts = [gzipSync(head), ...Array.from({ length: mib }, () => member), gzipSync(Buffer.alloc(pad))];
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return { path, pattern };
}

describe('owb info on large and hostile .fits.gz', () => {
  it('a gzip bomb inflating past OWB_MAX_INFLATE_BYTES exits 2, naming the file and the limit, in bounded memory', () => {
    // 600 members of 1 MiB: the last member's trailer says 1 MiB, so only streaming finds the size.
    const { path } = bigFitsGz('bomb.fits.gz', 600);
    const r = owb({ OWB_MAX_INFLATE_BYTES: String(256 * MiB) }, 'info', path, '--json');
    assert.ok(r.rssMb < RSS_LIMIT_MB, `peak RSS ${r.rssMb.toFixed(0)} MB`);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `owb: bomb.fits.gz: gzip data inflate to more than ${256 * MiB} bytes, past the ${256 * MiB}-byte limit (OWB_MAX_INFLATE_BYTES)\n`,
    );
  });

  it('a single-member bomb is refused from its gzip trailer, before inflating it', () => {
    const path = join(dir, 'trailer.fits.gz');
    const data = Buffer.alloc(64 * MiB);
    header([
      ['SIMPLE', 'T'],
      ['BITPIX', 8],
      ['NAXIS', 1],
      ['NAXIS1', 64 * MiB],
    ]).copy(data);
    writeFileSync(path, gzipSync(data, { level: 1 }));
    const r = owb({ OWB_MAX_INFLATE_BYTES: String(MiB) }, 'info', path);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr,
      `owb: trailer.fits.gz: gzip data inflate to at least ${64 * MiB} bytes, past the ${MiB}-byte limit (OWB_MAX_INFLATE_BYTES)\n`,
    );
  });

  it('a 128 MiB image under the limit: numpy statistics of its pixels, peak memory far below its size', () => {
    const { path, pattern } = bigFitsGz('big.fits.gz', 128);
    const r = owb({}, 'info', path, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.rssMb < RSS_LIMIT_MB, `peak RSS ${r.rssMb.toFixed(0)} MB for 128 MiB of pixels`);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.hdus[0].naxis, [1024, 1024 * 128]);
    // The image repeats the pattern a whole number of times: its statistics are the pattern's.
    const want = JSON.parse(
      python(
        `import json, numpy as np\ng = np.frombuffer(bytes.fromhex(${JSON.stringify(pattern.toString('hex'))}), dtype=np.uint8).astype(np.float64)\n` +
          `print(json.dumps(dict(min=g.min(), max=g.max(), mean=g.mean(), median=np.median(g), stdev=g.std())))`,
      ),
    );
    const s = report.hdus[0].stats;
    assert.deepEqual(
      [s.min, s.max, s.median, s.nanCount, s.posInfCount, s.negInfCount],
      [want.min, want.max, want.median, 0, 0, 0],
    );
    assert.ok(Math.abs(s.mean - want.mean) <= 1e-12 * want.mean, `mean ${s.mean} vs ${want.mean}`);
    assert.ok(Math.abs(s.stdev - want.stdev) <= 1e-10 * want.stdev, `stdev ${s.stdev} vs ${want.stdev}`);
  });
});
