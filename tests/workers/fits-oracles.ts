// Independent implementations the FITS tests compare against: Debian's astropy (python3), fitsverify,
// and fitsjs (the browser FITS reader, loaded in a VM context with a stand-in XMLHttpRequest).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const PYTHON = '/usr/bin/python3';
/** The real frames of `../shared/data/real`, beside the checkout (where CI puts it too). */
export const REAL_DIR = fileURLToPath(new URL('../../../shared/data/real', import.meta.url));
export const REAL_FILES = [
  'dss_poss1_m67_M6707HH.fits',
  'gemini_gmos_s_ltt7379_cr.fits',
  'kpno_m51_B_600s_iraf_pix.fits',
  'saao_1m_ste3_a8280271_raw.fits',
  'spitzer_irac_glimpse_example.fits',
];

/** Runs python code; returns stdout (asserts exit 0). */
export function python(code: string): string {
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Runs fitsverify and returns its warning and error counts. */
export function fitsverify(path: string): { warnings: number; errors: number; output: string } {
  const r = spawnSync('fitsverify', [path], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  const m = /Verification found (\d+) warning\(s\) and (\d+) error\(s\)/.exec(out);
  assert.ok(m, `fitsverify gave no summary for ${path}:\n${out}`);
  return { warnings: Number(m[1]), errors: Number(m[2]), output: out };
}

/** Pixels as astropy's `fits.getdata` gives them, cast to float32 (NaN kept), plus the header as JSON. */
export function astropyImage(path: string, hdu: number): { data: Float32Array; header: Record<string, unknown> } {
  const tmp = `${path}.${hdu}.astropy.f32`;
  const out = python(
    `import json, numpy as np\nfrom astropy.io import fits\nwith fits.open(${JSON.stringify(path)}) as f:\n  h = f[${hdu}]\n  np.asarray(h.data, dtype=np.float32).tofile(${JSON.stringify(tmp)})\n  hd = h.header\n  keys = [k for k in hd.keys() if k not in ('COMMENT', 'HISTORY', '') and list(hd.keys()).count(k) == 1]\n  print(json.dumps({k: hd[k] for k in keys if isinstance(hd[k], (str, int, float, bool))}))`,
  );
  const bytes = readFileSync(tmp);
  return { data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), header: JSON.parse(out) };
}

/** Counts positions where two float arrays differ (NaN equals NaN). */
export function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): { count: number; first: number } {
  assert.equal(a.length, b.length, 'array lengths differ');
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y || (x !== x && y !== y)) continue;
    count++;
    if (first < 0) first = i;
  }
  return { count, first };
}

interface FitsjsHdu {
  header: { get(key: string): unknown };
  data?: {
    bitpix: number;
    bzero: number;
    bscale: number;
    frameOffsets: Array<{ buffers?: ArrayBuffer[] }>;
    _getFrame(b: ArrayBuffer, bitpix: number, bzero: number, bscale: number): ArrayLike<number>;
  };
}

/** Parses `bytes` with fitsjs; returns its HDUs. Frames are decoded with fitsjs' own `_getFrame`. */
export function fitsjsParse(bytes: Uint8Array): Promise<FitsjsHdu[]> {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('fitsjs'), 'utf8');
  const buffer = new Uint8Array(bytes).buffer as ArrayBuffer;
  class FakeXhr {
    status = 200;
    response: ArrayBuffer = buffer;
    responseType = '';
    onload: (() => void) | null = null;
    open(): void {}
    send(): void {
      setImmediate(() => this.onload?.());
    }
  }
  const context: Record<string, unknown> = {
    XMLHttpRequest: FakeXhr,
    Blob,
    File: class extends Blob {},
    console,
    setImmediate,
    // Typed arrays from this realm, so that fitsjs' `instanceof ArrayBuffer` sees our buffers.
    ArrayBuffer,
    DataView,
    Uint8Array,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
  };
  vm.createContext(context);
  vm.runInContext(source, context);
  const FITS = (context.astro as { FITS: new (arg: string, cb: (this: { hdus: FitsjsHdu[] }) => void) => unknown })
    .FITS;
  return new Promise((resolve) => {
    new FITS('memory.fits', function (this: { hdus: FitsjsHdu[] }) {
      resolve(this.hdus);
    });
  });
}

/** fitsjs' decoding of the first frame of an image HDU. */
export function fitsjsFrame(hdu: FitsjsHdu): ArrayLike<number> {
  const d = hdu.data;
  assert.ok(d, 'fitsjs HDU has no data unit');
  const buffer = d.frameOffsets[0].buffers?.[0];
  assert.ok(buffer, 'fitsjs frame buffer missing');
  return d._getFrame(buffer.slice(0), d.bitpix, d.bzero, d.bscale);
}
