/**
 * The synthetic-dataset configuration: sections, keys, defaults and allowed ranges, plus a validator whose
 * messages name the key and the allowed range (`General.n_train must be positive, got 0`).
 *
 * The keys and defaults of `General`, `Noise`, `LensArcs`, `GalaxyBlob` and `Output` follow the established
 * lens-finder generator (`configs/comprehensive.yaml`); keys marked "extension" are ours and default to the
 * values of the reference numpy generator (`lensgen.py`), so a default run mirrors it. `SYNTH_SCHEMA` is the
 * single source of truth: the CLI, the metadata snapshot and the UI form all read it.
 */

/**
 * Generation mode: `parity` (arcs + Gaussian blobs, as the established generator), `physical` (SIE + Sérsic)
 * or `injection` (point sources and transients injected into real frames from `Injection.frames_dir`).
 */
export type SynthMode = 'parity' | 'physical' | 'injection';
/** Image file format written for each sample. */
export type ImageFormat = 'PNG' | 'JPEG' | 'FITS';
/** Point-spread function shape of the physical mode. */
export type PsfKind = 'gaussian' | 'moffat';

/** A resolved configuration: every key present (see `SYNTH_SCHEMA` for units, defaults and ranges). */
export interface SynthConfig {
  General: { n_train: number; n_test: number; image_size: number; seed: number; balance: number; mode: SynthMode };
  Noise: { gaussian_sigma: number; poisson_strength: number };
  LensArcs: {
    min_radius: number;
    max_radius: number;
    arc_width_min: number;
    arc_width_max: number;
    min_arcs: number;
    max_arcs: number;
    blur_sigma: number;
    arc_extent_min_deg: number;
    arc_extent_max_deg: number;
    amplitude_min: number;
    amplitude_max: number;
  };
  GalaxyBlob: {
    sigma_min: number;
    sigma_max: number;
    ellipticity_min: number;
    ellipticity_max: number;
    blur_sigma: number;
    amplitude_min: number;
    amplitude_max: number;
    center_jitter_px: number;
  };
  Physical: {
    pixel_scale_arcsec: number;
    zero_point_mag: number;
    exposure_sec: number;
    sky_mag_per_arcsec2: number;
    read_noise_e: number;
    gain_e_per_adu: number;
    psf: PsfKind;
    psf_fwhm_arcsec: number;
    moffat_beta: number;
    einstein_radius_min_arcsec: number;
    einstein_radius_max_arcsec: number;
    lens_q_min: number;
    shear_max: number;
    lens_mag_min: number;
    lens_mag_max: number;
    lens_reff_min_arcsec: number;
    lens_reff_max_arcsec: number;
    source_mag_min: number;
    source_mag_max: number;
    source_reff_min_arcsec: number;
    source_reff_max_arcsec: number;
    source_sersic_n_min: number;
    source_sersic_n_max: number;
    supersample: number;
  };
  Injection: {
    frames_dir: string;
    sources_per_frame: number;
    mag_min: number;
    mag_max: number;
    zero_point_mag: number;
    psf: PsfKind;
    psf_fwhm_px: number;
    moffat_beta: number;
    transient_fraction: number;
    host_offset_px: number;
    gain_e_per_adu: number;
    edge_margin_px: number;
    stamp_size: number;
    bogus_stamps_per_frame: number;
  };
  Output: {
    create_class_subdirs: boolean;
    create_split_subdirs: boolean;
    include_metadata: boolean;
    relative_paths: boolean;
    image_format: ImageFormat;
    png_pedestal: number;
    jpeg_quality: number;
  };
}

/** The configuration's sections: General, Noise, LensArcs, GalaxyBlob, Physical, Injection, Output. */
export type SectionName = keyof SynthConfig;

/** One key of the schema, with what a form needs to render and check it inline. */
export interface SynthField {
  readonly section: SectionName;
  readonly key: string;
  readonly kind: 'int' | 'number' | 'boolean' | 'enum' | 'string';
  readonly default: number | boolean | string;
  /** Inclusive lower bound, unless `minExclusive`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Inclusive upper bound. */
  readonly max?: number;
  readonly options?: readonly string[];
  readonly unit?: string;
  readonly description: string;
  /** True for keys that are ours rather than the established generator's. */
  readonly extension?: boolean;
}

type Spec = Omit<SynthField, 'section' | 'key'>;

const int = (d: number, min: number, max: number, description: string, extra: Partial<Spec> = {}): Spec => ({
  kind: 'int',
  default: d,
  min,
  max,
  description,
  ...extra,
});
const num = (d: number, min: number, max: number, description: string, extra: Partial<Spec> = {}): Spec => ({
  kind: 'number',
  default: d,
  min,
  max,
  description,
  ...extra,
});
const bool = (d: boolean, description: string): Spec => ({ kind: 'boolean', default: d, description });
const ext = { extension: true } as const;

/** Most arcs a lens may have (`LensArcs.min_arcs`/`max_arcs`): the kernels size their buffers by it. */
export const MAX_ARCS_PER_LENS = 32;

const SPEC: { [S in SectionName]: { [K in keyof SynthConfig[S]]: Spec } } = {
  General: {
    n_train: int(1800, 1, 10_000_000, 'number of training images', { unit: 'images' }),
    n_test: int(200, 0, 10_000_000, 'number of test images', { unit: 'images' }),
    image_size: int(64, 8, 4096, 'image width and height', { unit: 'px' }),
    seed: int(42, 0, 4294967295, 'master seed; image i uses deriveSeed(seed, i)'),
    balance: num(0.5, 0, 1, 'fraction of each split in the lens class'),
    mode: {
      kind: 'enum',
      default: 'parity',
      options: ['parity', 'physical', 'injection'],
      description:
        'parity: arcs + blobs; physical: SIE + shear lensing a Sérsic source; injection: sources injected into real frames',
      extension: true,
    },
  },
  Noise: {
    gaussian_sigma: num(0.02, 0, 10, 'standard deviation of additive Gaussian noise (parity mode, image units)'),
    poisson_strength: num(0, 0, 1e9, 'Poisson noise: counts per image unit (0 = off)', { unit: 'counts/unit' }),
  },
  LensArcs: {
    min_radius: num(8, 0, 4096, 'smallest Einstein radius', { unit: 'px' }),
    max_radius: num(20, 0, 4096, 'largest Einstein radius', { unit: 'px' }),
    arc_width_min: num(2, 0, 1024, 'smallest radial FWHM of an arc', { unit: 'px', min: 0, minExclusive: true }),
    arc_width_max: num(4, 0, 1024, 'largest radial FWHM of an arc', { unit: 'px', min: 0, minExclusive: true }),
    min_arcs: int(1, 1, MAX_ARCS_PER_LENS, 'fewest arcs per lens'),
    max_arcs: int(3, 1, MAX_ARCS_PER_LENS, 'most arcs per lens'),
    blur_sigma: num(1, 0, 64, 'Gaussian PSF sigma applied to the arcs (0 = none)', { unit: 'px' }),
    arc_extent_min_deg: num(40, 1, 360, 'smallest angular FWHM of an arc', { unit: 'deg', ...ext }),
    arc_extent_max_deg: num(200, 1, 360, 'largest angular FWHM of an arc', { unit: 'deg', ...ext }),
    amplitude_min: num(0.15, 0, 100, 'smallest arc peak brightness', ext),
    amplitude_max: num(0.6, 0, 100, 'largest arc peak brightness', ext),
  },
  GalaxyBlob: {
    sigma_min: num(2, 0, 1024, 'smallest galaxy Gaussian sigma (geometric mean of the axes)', {
      unit: 'px',
      minExclusive: true,
    }),
    sigma_max: num(6, 0, 1024, 'largest galaxy Gaussian sigma', { unit: 'px', minExclusive: true }),
    ellipticity_min: num(0, 0, 0.95, 'smallest ellipticity 1 − b/a'),
    ellipticity_max: num(0.6, 0, 0.95, 'largest ellipticity 1 − b/a'),
    blur_sigma: num(0.6, 0, 64, 'Gaussian PSF sigma applied to the galaxy (0 = none)', { unit: 'px' }),
    amplitude_min: num(0.3, 0, 100, 'smallest galaxy peak brightness (before blur)', ext),
    amplitude_max: num(1, 0, 100, 'largest galaxy peak brightness (before blur)', ext),
    center_jitter_px: num(2, 0, 1024, 'galaxy centre offset from the image centre, uniform in ±this per axis', {
      unit: 'px',
      ...ext,
    }),
  },
  Physical: {
    pixel_scale_arcsec: num(0.2, 0.001, 100, 'pixel scale', { unit: 'arcsec/px', minExclusive: true, ...ext }),
    zero_point_mag: num(27, 0, 40, 'magnitude giving 1 electron per second', { unit: 'mag', ...ext }),
    exposure_sec: num(600, 0, 1e7, 'exposure time', { unit: 's', minExclusive: true, ...ext }),
    sky_mag_per_arcsec2: num(21.5, 10, 35, 'sky surface brightness', { unit: 'mag/arcsec²', ...ext }),
    read_noise_e: num(5, 0, 1000, 'read noise', { unit: 'e⁻', ...ext }),
    gain_e_per_adu: num(1, 0.001, 1000, 'gain', { unit: 'e⁻/ADU', ...ext }),
    psf: {
      kind: 'enum',
      default: 'moffat',
      options: ['gaussian', 'moffat'],
      description: 'PSF profile',
      extension: true,
    },
    psf_fwhm_arcsec: num(0.8, 0, 100, 'PSF full width at half maximum', { unit: 'arcsec', minExclusive: true, ...ext }),
    moffat_beta: num(3, 1.01, 100, 'Moffat β', ext),
    einstein_radius_min_arcsec: num(1, 0, 1000, 'smallest SIE Einstein radius', { unit: 'arcsec', ...ext }),
    einstein_radius_max_arcsec: num(3, 0, 1000, 'largest SIE Einstein radius', { unit: 'arcsec', ...ext }),
    lens_q_min: num(0.5, 0.05, 1, 'smallest lens axis ratio b/a (uniform up to 1)', ext),
    shear_max: num(0.1, 0, 0.5, 'largest external shear γ (uniform in [0, this])', ext),
    lens_mag_min: num(18, 5, 35, 'brightest lens galaxy', { unit: 'mag', ...ext }),
    lens_mag_max: num(21, 5, 35, 'faintest lens galaxy', { unit: 'mag', ...ext }),
    lens_reff_min_arcsec: num(0.6, 0.01, 100, 'smallest lens effective radius (de Vaucouleurs)', {
      unit: 'arcsec',
      ...ext,
    }),
    lens_reff_max_arcsec: num(2, 0.01, 100, 'largest lens effective radius', { unit: 'arcsec', ...ext }),
    source_mag_min: num(20, 5, 35, 'brightest source', { unit: 'mag', ...ext }),
    source_mag_max: num(23, 5, 35, 'faintest source', { unit: 'mag', ...ext }),
    source_reff_min_arcsec: num(0.1, 0.01, 100, 'smallest source effective radius', { unit: 'arcsec', ...ext }),
    source_reff_max_arcsec: num(0.5, 0.01, 100, 'largest source effective radius', { unit: 'arcsec', ...ext }),
    source_sersic_n_min: num(0.5, 0.3, 8, 'smallest source Sérsic index', ext),
    source_sersic_n_max: num(2, 0.3, 8, 'largest source Sérsic index', ext),
    supersample: int(3, 1, 8, 'sub-pixels per axis when integrating surface brightness over a pixel', ext),
  },
  Injection: {
    frames_dir: {
      kind: 'string',
      default: '',
      description: 'folder of FITS frames to inject into (relative to the configuration file)',
      extension: true,
    },
    sources_per_frame: int(50, 1, 1_000_000, 'point sources injected into each frame', ext),
    mag_min: num(18, -10, 40, 'brightest injected magnitude', { unit: 'mag', ...ext }),
    mag_max: num(23, -10, 40, 'faintest injected magnitude', { unit: 'mag', ...ext }),
    zero_point_mag: num(25, -10, 50, 'magnitude of a source whose total signal is 1 ADU', { unit: 'mag', ...ext }),
    psf: {
      kind: 'enum',
      default: 'moffat',
      options: ['gaussian', 'moffat'],
      description: 'injected PSF profile',
      extension: true,
    },
    psf_fwhm_px: num(3, 0.3, 100, 'injected PSF FWHM', { unit: 'px', ...ext }),
    moffat_beta: num(3, 1.01, 100, 'Moffat β of the injected PSF', ext),
    transient_fraction: num(
      0.2,
      0,
      1,
      'fraction of injected sources placed on a host (the brightest pixels) as transients',
      ext,
    ),
    host_offset_px: num(3, 0, 100, 'largest transient offset from its host pixel', { unit: 'px', ...ext }),
    gain_e_per_adu: num(1, 0, 1e6, 'gain for the Poisson noise of injected light (0 = noiseless injection)', {
      unit: 'e⁻/ADU',
      ...ext,
    }),
    edge_margin_px: int(10, 0, 10_000, 'injected sources keep this far from the frame edges', { unit: 'px', ...ext }),
    stamp_size: int(32, 0, 1024, 'side of the stamps cut around each source (0 = no stamps)', { unit: 'px', ...ext }),
    bogus_stamps_per_frame: int(50, 0, 1_000_000, 'stamps at random places without an injection (label 0)', ext),
  },
  Output: {
    create_class_subdirs: bool(true, 'write lens/ and nonlens/ folders'),
    create_split_subdirs: bool(true, 'write train/ and test/ folders'),
    include_metadata: bool(false, 'write metadata.csv with every parameter of every image'),
    relative_paths: bool(true, 'CSV paths relative to the output folder (else absolute)'),
    image_format: {
      kind: 'enum',
      default: 'PNG',
      options: ['PNG', 'JPEG', 'FITS'],
      description: 'PNG and JPEG: 8-bit grey; FITS: float32',
    },
    png_pedestal: num(0.1, -10, 10, '8-bit value = round(255·clip(pixel + pedestal, 0, 1)) (parity mode)', ext),
    jpeg_quality: int(95, 1, 100, 'JPEG quality', ext),
  },
};

/** Every key of the configuration with its default and range, in file order. */
export const SYNTH_SCHEMA: readonly SynthField[] = Object.entries(SPEC).flatMap(([section, keys]) =>
  Object.entries(keys as Record<string, Spec>).map(([key, spec]) => ({
    section: section as SectionName,
    key,
    ...spec,
  })),
);

/** The defaults of every key (shared: copy before changing, e.g. `validateSynthConfig({}).config`). */
export const SYNTH_DEFAULTS: SynthConfig = Object.fromEntries(
  Object.entries(SPEC).map(([section, keys]) => [
    section,
    Object.fromEntries(Object.entries(keys as Record<string, Spec>).map(([key, spec]) => [key, spec.default])),
  ]),
) as unknown as SynthConfig;

/** Pairs `[min key, max key]` per section that must satisfy min ≤ max. */
const ORDERED_PAIRS: ReadonlyArray<[SectionName, string, string]> = [
  ['LensArcs', 'min_radius', 'max_radius'],
  ['LensArcs', 'arc_width_min', 'arc_width_max'],
  ['LensArcs', 'min_arcs', 'max_arcs'],
  ['LensArcs', 'arc_extent_min_deg', 'arc_extent_max_deg'],
  ['LensArcs', 'amplitude_min', 'amplitude_max'],
  ['GalaxyBlob', 'sigma_min', 'sigma_max'],
  ['GalaxyBlob', 'ellipticity_min', 'ellipticity_max'],
  ['GalaxyBlob', 'amplitude_min', 'amplitude_max'],
  ['Physical', 'einstein_radius_min_arcsec', 'einstein_radius_max_arcsec'],
  ['Physical', 'lens_mag_min', 'lens_mag_max'],
  ['Physical', 'lens_reff_min_arcsec', 'lens_reff_max_arcsec'],
  ['Physical', 'source_mag_min', 'source_mag_max'],
  ['Physical', 'source_reff_min_arcsec', 'source_reff_max_arcsec'],
  ['Physical', 'source_sersic_n_min', 'source_sersic_n_max'],
  ['Injection', 'mag_min', 'mag_max'],
];

/** A validation problem: `key` is `Section.key` (or `Section` for a whole section). */
export interface SynthConfigError {
  key: string;
  message: string;
}

/**
 * Validates a parsed configuration object (from YAML or a form) and fills in defaults.
 * Never throws: returns the resolved config (defaults where a key is missing or invalid) and every problem,
 * each message naming the key and the allowed range or values. Unknown sections and keys are errors, so a
 * misspelt key is not silently ignored.
 */
export function validateSynthConfig(input: unknown): { config: SynthConfig; errors: SynthConfigError[] } {
  const config = copyDefaults();
  const errors: SynthConfigError[] = [];
  if (input === null || input === undefined) return { config, errors };
  if (!isPlainObject(input)) {
    errors.push({ key: '', message: `configuration must be a mapping of sections, got ${describe(input)}` });
    return { config, errors };
  }
  for (const [section, value] of Object.entries(input)) {
    if (!(section in SPEC)) {
      errors.push({
        key: section,
        message: `unknown section '${section}' (expected one of ${Object.keys(SPEC).join(', ')})`,
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) {
      errors.push({ key: section, message: `${section} must be a mapping of keys, got ${describe(value)}` });
      continue;
    }
    const specs = SPEC[section as SectionName] as Record<string, Spec>;
    const target = config[section as SectionName] as unknown as Record<string, unknown>;
    for (const [key, raw] of Object.entries(value)) {
      const spec = specs[key];
      const name = `${section}.${key}`;
      if (!spec) {
        errors.push({ key: name, message: `unknown key '${name}' (expected one of ${Object.keys(specs).join(', ')})` });
        continue;
      }
      const problem = checkValue(name, spec, raw);
      if (problem) errors.push({ key: name, message: problem });
      else target[key] = spec.kind === 'enum' ? normaliseEnum(spec, raw as string) : raw;
    }
  }
  for (const [section, lo, hi] of ORDERED_PAIRS) {
    const s = config[section] as unknown as Record<string, number>;
    if (s[lo] > s[hi]) {
      errors.push({
        key: `${section}.${lo}`,
        message: `${section}.${lo} (${s[lo]}) must not exceed ${section}.${hi} (${s[hi]})`,
      });
    }
  }
  if (config.General.mode === 'injection' && config.Injection.frames_dir === '') {
    errors.push({
      key: 'Injection.frames_dir',
      message: 'Injection.frames_dir is required when General.mode is injection',
    });
  }
  if (config.General.n_train + config.General.n_test > 100_000_000) {
    errors.push({ key: 'General.n_train', message: 'General.n_train + General.n_test must be at most 100000000' });
  }
  return { config, errors };
}

function copyDefaults(): SynthConfig {
  return JSON.parse(JSON.stringify(SYNTH_DEFAULTS)) as SynthConfig;
}

function checkValue(name: string, spec: Spec, raw: unknown): string | undefined {
  if (spec.kind === 'boolean')
    return typeof raw === 'boolean' ? undefined : `${name} must be true or false, got ${describe(raw)}`;
  if (spec.kind === 'string')
    return typeof raw === 'string' ? undefined : `${name} must be a string, got ${describe(raw)}`;
  if (spec.kind === 'enum') {
    const options = spec.options ?? [];
    if (typeof raw === 'string' && options.some((o) => o.toLowerCase() === raw.toLowerCase())) return undefined;
    return `${name} must be one of ${options.join(', ')}, got ${describe(raw)}`;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return `${name} must be a number, got ${describe(raw)}`;
  if (spec.kind === 'int' && !Number.isInteger(raw)) return `${name} must be an integer, got ${raw}`;
  const min = spec.min ?? -Infinity;
  const max = spec.max ?? Infinity;
  if (spec.minExclusive ? raw <= min : raw < min) {
    if (min === 0 && spec.minExclusive) return `${name} must be positive, got ${raw}`;
    if (min === 1 && spec.kind === 'int' && name.startsWith('General.n_'))
      return `${name} must be positive, got ${raw}`;
    if (min === 0) return `${name} must not be negative, got ${raw}`;
    return `${name} must be ${spec.minExclusive ? 'greater than' : 'at least'} ${min}${rangeText(spec)}, got ${raw}`;
  }
  if (raw > max) return `${name} must be at most ${max}${rangeText(spec)}, got ${raw}`;
  return undefined;
}

function rangeText(spec: Spec): string {
  if (spec.min === undefined || spec.max === undefined) return '';
  return ` (allowed ${spec.minExclusive ? '(' : '['}${spec.min}, ${spec.max}])`;
}

function normaliseEnum(spec: Spec, raw: string): string {
  return (spec.options ?? []).find((o) => o.toLowerCase() === raw.toLowerCase()) ?? raw;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
