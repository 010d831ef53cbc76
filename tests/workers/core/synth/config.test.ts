import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SYNTH_DEFAULTS, SYNTH_SCHEMA, validateSynthConfig } from '../../../../src-workers/core/synth/config.js';

describe('validateSynthConfig', () => {
  it('fills every default of the established generator', () => {
    const { config, errors } = validateSynthConfig({});
    assert.deepEqual(errors, []);
    assert.deepEqual(config.General, {
      n_train: 1800,
      n_test: 200,
      image_size: 64,
      seed: 42,
      balance: 0.5,
      mode: 'parity',
    });
    assert.deepEqual(config.Noise, { gaussian_sigma: 0.02, poisson_strength: 0 });
    assert.equal(config.LensArcs.min_radius, 8);
    assert.equal(config.LensArcs.max_radius, 20);
    assert.equal(config.LensArcs.arc_width_min, 2);
    assert.equal(config.LensArcs.arc_width_max, 4);
    assert.equal(config.LensArcs.min_arcs, 1);
    assert.equal(config.LensArcs.max_arcs, 3);
    assert.equal(config.LensArcs.blur_sigma, 1);
    assert.deepEqual(
      [
        config.GalaxyBlob.sigma_min,
        config.GalaxyBlob.sigma_max,
        config.GalaxyBlob.ellipticity_min,
        config.GalaxyBlob.ellipticity_max,
        config.GalaxyBlob.blur_sigma,
      ],
      [2, 6, 0, 0.6, 0.6],
    );
    assert.equal(config.Output.create_class_subdirs, true);
    assert.equal(config.Output.create_split_subdirs, true);
    assert.equal(config.Output.include_metadata, false);
    assert.equal(config.Output.relative_paths, true);
    assert.equal(config.Output.image_format, 'PNG');
  });

  it('exposes a schema whose defaults are SYNTH_DEFAULTS and whose ranges contain them', () => {
    for (const field of SYNTH_SCHEMA) {
      const value = (SYNTH_DEFAULTS[field.section] as unknown as Record<string, unknown>)[field.key];
      assert.equal(value, field.default, `${field.section}.${field.key}`);
      if (typeof value === 'number') {
        assert.ok(field.min === undefined || value >= field.min, `${field.section}.${field.key} below its min`);
        assert.ok(field.max === undefined || value <= field.max, `${field.section}.${field.key} above its max`);
      }
    }
  });

  const cases: Array<[string, unknown, string]> = [
    ['n_train zero', { General: { n_train: 0 } }, 'General.n_train must be positive, got 0'],
    ['n_test negative', { General: { n_test: -1 } }, 'General.n_test must not be negative, got -1'],
    ['fractional count', { General: { n_train: 10.5 } }, 'General.n_train must be an integer, got 10.5'],
    ['balance above 1', { General: { balance: 1.5 } }, 'General.balance must be at most 1 (allowed [0, 1]), got 1.5'],
    [
      'image too small',
      { General: { image_size: 4 } },
      'General.image_size must be at least 8 (allowed [8, 4096]), got 4',
    ],
    ['string number', { Noise: { gaussian_sigma: 'low' } }, "Noise.gaussian_sigma must be a number, got 'low'"],
    ['non-positive width', { LensArcs: { arc_width_min: 0 } }, 'LensArcs.arc_width_min must be positive, got 0'],
    [
      'ellipticity',
      { GalaxyBlob: { ellipticity_max: 1 } },
      'GalaxyBlob.ellipticity_max must be at most 0.95 (allowed [0, 0.95]), got 1',
    ],
    [
      'min above max',
      { LensArcs: { min_radius: 25 } },
      'LensArcs.min_radius (25) must not exceed LensArcs.max_radius (20)',
    ],
    [
      'arcs order',
      { LensArcs: { min_arcs: 4, max_arcs: 2 } },
      'LensArcs.min_arcs (4) must not exceed LensArcs.max_arcs (2)',
    ],
    ['format', { Output: { image_format: 'TIFF' } }, "Output.image_format must be one of PNG, JPEG, FITS, got 'TIFF'"],
    ['boolean', { Output: { include_metadata: 'yes' } }, "Output.include_metadata must be true or false, got 'yes'"],
    ['unknown key', { General: { n_trian: 5 } }, "unknown key 'General.n_trian'"],
    ['unknown section', { Genral: {} }, "unknown section 'Genral'"],
    ['not a mapping', [1, 2], 'configuration must be a mapping of sections, got a list'],
  ];
  for (const [name, input, message] of cases) {
    it(`names the key and the range: ${name}`, () => {
      const { errors } = validateSynthConfig(input);
      assert.ok(errors.length >= 1, 'expected an error');
      assert.ok(
        errors.some((e) => e.message.startsWith(message)),
        `expected a message starting '${message}', got ${JSON.stringify(errors.map((e) => e.message))}`,
      );
    });
  }

  it('reports every problem at once and keys each to its field', () => {
    const { errors } = validateSynthConfig({ General: { n_train: 0, balance: -0.1 }, Output: { image_format: 'GIF' } });
    assert.deepEqual(errors.map((e) => e.key).sort(), ['General.balance', 'General.n_train', 'Output.image_format']);
  });

  it('accepts case-insensitive formats and keeps the canonical spelling', () => {
    const { config, errors } = validateSynthConfig({ Output: { image_format: 'fits' } });
    assert.deepEqual(errors, []);
    assert.equal(config.Output.image_format, 'FITS');
  });
});
