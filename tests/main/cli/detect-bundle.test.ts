// owb detect --bundle: the ZIP read back by Python's zipfile and Pillow, its numbers checked against photutils.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { gridStars, makeField } from '../../workers/core/detect/synthetic-field.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import PIL, photutils.aperture, astropy'], { encoding: 'utf8' });
const skip = probe.status !== 0 && 'needs /usr/bin/python3 with python3-pil and python3-photutils (the oracles)';
let dir = '';

function owb(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], { encoding: 'utf8' });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'owb-bundle-'));
  const stars = gridStars(150, 130, 30, 4000, 90000, 12);
  const field = makeField({ width: 150, height: 130, seed: 13, sky: 250, gain: 2, readNoise: 5, fwhm: 3, stars });
  await writeFitsImage(join(dir, 'field.fits'), field);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('owb detect --bundle', { skip }, () => {
  it('writes a valid ZIP: catalog, previews and plots as PNG, profiles equal to photutils and numpy', () => {
    const zip = join(dir, 'b.zip');
    const cat = join(dir, 'cat.csv');
    const r = owb(
      'detect',
      join(dir, 'field.fits'),
      '--out',
      cat,
      '--bundle',
      zip,
      '--bundle-sources',
      '4',
      '--annulus',
      '8,12',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /bundle → .*b\.zip: 16 files, 4 sources/);
    const script = `
import io, json, sys, zipfile, numpy as np
from PIL import Image
from astropy.io import fits
from photutils.aperture import CircularAperture, aperture_photometry
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, 'CRC error'
out = {'names': z.namelist(), 'catalog': z.read('cat.csv').decode(), 'png': {}}
for n in z.namelist():
    if n.endswith('.png'):
        im = Image.open(io.BytesIO(z.read(n))); im.load()
        a = np.asarray(im.convert('L'), dtype=float)
        out['png'][n] = [im.size[0], im.size[1], float(a.std())]
data = fits.getdata(sys.argv[2]).astype(np.float64)
yy, xx = np.mgrid[0:data.shape[0], 0:data.shape[1]]
def rows(name):
    lines = z.read(name).decode().strip().split('\\n')
    return [dict(zip(lines[0].split(','), map(float, l.split(',')))) for l in lines[1:]]
worst_cog = 0.0
for row in rows('curves_of_growth.csv'):
    ap = CircularAperture((row['x'], row['y']), r=row['radius_px'])
    ref = float(aperture_photometry(data - row['background_adu'], ap, method='exact')['aperture_sum'][0])
    worst_cog = max(worst_cog, abs(row['flux_adu'] - ref) / max(1.0, abs(ref)))
worst_prof = 0.0
manifest = json.loads(z.read('manifest.json'))
R = manifest['profileMaxRadiusPx']
for row in rows('radial_profiles.csv'):
    d = np.hypot(xx - row['x'], yy - row['y'])
    sel = (d < R) & (np.floor(d) == np.floor(row['radius_px']))
    ref = (data[sel] - row['background_adu']).mean()
    worst_prof = max(worst_prof, abs(row['mean_adu'] - ref) / max(1.0, abs(ref)))
    assert int(row['npix']) == int(sel.sum()), (row, int(sel.sum()))
out.update(worst_cog=worst_cog, worst_prof=worst_prof, manifest=manifest)
print(json.dumps(out))
`;
    const py = spawnSync(PYTHON, ['-c', script, zip, join(dir, 'field.fits')], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    assert.equal(py.status, 0, py.stderr);
    const got = JSON.parse(py.stdout) as {
      names: string[];
      catalog: string;
      png: Record<string, [number, number, number]>;
      worst_cog: number;
      worst_prof: number;
      manifest: { sources: number[]; files: string[] };
    };
    assert.equal(got.catalog, readFileSync(cat, 'utf8'), 'the catalog, byte for byte');
    // The four sources of largest flux_auto.
    const lines = got.catalog.trim().split('\n');
    const f = lines[0].split(',').indexOf('flux_auto');
    const want = lines
      .slice(1)
      .map((l, i) => [Number(l.split(',')[f]), i + 1] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 4)
      .map(([, id]) => id)
      .sort((a, b) => a - b);
    assert.deepEqual(got.manifest.sources, want);
    for (const id of want) {
      const tag = `source_${String(id).padStart(4, '0')}`;
      for (const n of [`previews/${tag}.png`, `plots/${tag}_radial_profile.png`, `plots/${tag}_curve_of_growth.png`]) {
        const png = got.png[n];
        assert.ok(png, `${n} in the bundle`);
        assert.ok(png[0] >= 200 && png[1] >= 200, `${n} is ${png[0]}×${png[1]}`);
        assert.ok(png[2] > 5, `${n} is not blank`);
      }
    }
    assert.deepEqual(got.names, got.manifest.files);
    assert.ok(got.worst_cog < 1e-9, `curve of growth vs photutils exact: ${got.worst_cog}`);
    assert.ok(got.worst_prof < 1e-9, `radial profile vs numpy: ${got.worst_prof}`);
  });

  it('refuses a bundle name that is not .zip with exit 2', () => {
    const r = owb('detect', join(dir, 'field.fits'), '--out', join(dir, 'c.csv'), '--bundle', join(dir, 'b.tar'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^owb: --bundle must name a \.zip file/);
  });
});
