import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../../src-workers/core/errors.js';
import type { FrameSolveStep } from '../../common/tasks/process-frame.js';

/**
 * A watched folder's profile: which files to take, what to do with them, where outputs go. Written in
 * YAML; every field is optional and validated with a message naming the file and the field.
 *
 * ```yaml
 * extends: base                                         # inherit base.yaml of this folder (see loadProfile)
 * name: nightly
 * patterns: ['*.fits', '*.fit', '*.fts', '*.fits.gz']   # file-name globs (case-insensitive)
 * steps:
 *   stats: true                                         # median / MAD per frame
 *   calibrate: { require: true }                        # calibrate lights; wait for their masters when require
 *   detect: { threshSigma: 3, minAreaPx: 5 }            # false = no detection
 *   photometry: { radiusPx: 4, annulusPx: [8, 12] }
 *   liveStack: false
 *   difference: { reference: ref.fits, threshSigma: 5 }  # transients vs a reference [first light of the same filter and size]
 *   score: true                                         # the active realbogus model scores new transient candidates
 *   solve: { raDeg: 132.8, decDeg: 11.8, scaleLowArcsec: 1, scaleHighArcsec: 3 }  # plate-solve frames without a WCS
 *                                                     # (requireHint: true = only frames with a pointing)
 * match: { radiusArcsec: 1.5 }                          # cross-match radius across frames
 * stability: { intervalMs: 500, giveUpMs: 600000 }      # size stable this long; give up waiting on a short FITS
 * jobs: { maxAttempts: 3, timeoutMs: 300000 }
 * outputs: { dir: owb-out }                            # relative to this file's folder [beside the catalog]
 * ```
 */
export interface Profile {
  name: string;
  patterns: string[];
  steps: {
    stats: boolean;
    calibrate: { require: boolean } | false;
    detect: { threshSigma: number; minAreaPx: number } | false;
    photometry: { radiusPx: number; annulusPx: [number, number] } | false;
    liveStack: boolean;
    /** Image differencing of each light against `reference` (a path) or, when null, the first processed
     * light of the same filter and size; residuals become `transient` candidates for curation. */
    difference: { reference: string | null; threshSigma: number; minAreaPx: number } | false;
    /** Scoring of each frame's new transient candidates by the workspace's active realbogus model (a `score`
     * job after `difference`; scores go to model_scores with the model version). Without `difference` (and
     * on PostgreSQL, where differencing does not run yet) the job follows the frame's processing and scores
     * the transient candidates the frame has by then (recorded by `owb diff --db` or copied). [off] */
    score?: boolean;
    /** Plate solving of the detections of frames without a usable WCS (every frame with `always`), before
     * the cross-match; also calibrates magnitudes with a Tycho-2 V_T zero point. Needs `detect`. [default
     * profile: frames whose header gives a pointing (`requireHint`); a profile listing steps: off] */
    solve?: FrameSolveStep | false;
  };
  match: { radiusArcsec: number };
  stability: { intervalMs: number; giveUpMs: number };
  jobs: { maxAttempts: number; timeoutMs: number };
  outputs: { dir: string | null };
  /**
   * The observatory for frames whose headers name none (OBSGEO-*, LAT-OBS/LONG-OBS, SITELAT/SITELONG win):
   * geodetic WGS84, longitude east-positive. Without it such frames get no BJD_TDB.
   */
  site?: { longitudeDeg: number; latitudeDeg: number; heightM: number };
}

export const DEFAULT_PATTERNS = ['*.fits', '*.fit', '*.fts', '*.fits.gz', '*.fit.gz', '*.fits.fz', '*.fz'];

/** Without `--profile`: ingest every FITS frame, file calibration frames (masters are built), detect and measure lights. */
export function defaultProfile(): Profile {
  return {
    name: 'default',
    patterns: [...DEFAULT_PATTERNS],
    steps: {
      stats: true,
      // Lights are measured as they come: which masters exist when a light arrives depends on timing, so
      // calibration is something a profile asks for (ideally with `require: true`).
      calibrate: false,
      detect: { threshSigma: 3, minAreaPx: 5 },
      photometry: { radiusPx: 4, annulusPx: [8, 12] },
      liveStack: false,
      difference: false,
      // Frames without a WCS are plate-solved when their header gives a pointing (hinted solving costs a
      // fraction of a second once the indexes are loaded); blind solving is for profiles that ask for it.
      solve: { always: false, requireHint: true, maxCandidates: 5000 },
    },
    match: { radiusArcsec: 1.5 },
    stability: { intervalMs: 500, giveUpMs: 600_000 },
    jobs: { maxAttempts: 3, timeoutMs: 300_000 },
    outputs: { dir: null },
  };
}

/** True when the profile asks a worker to look at pixels (else ingest alone completes the job). */
export function needsWorker(profile: Profile): boolean {
  const s = profile.steps;
  return s.stats || s.detect !== false || s.photometry !== false || s.difference !== false;
}

const TOP_KEYS = new Set(['name', 'patterns', 'steps', 'match', 'stability', 'jobs', 'outputs', 'site']);
const STEP_KEYS = new Set(['stats', 'calibrate', 'detect', 'photometry', 'liveStack', 'difference', 'score', 'solve']);

/**
 * Loads and validates a YAML profile; errors are `InputError('PROFILE_INVALID', 'FILE: field: problem')`.
 *
 * Named environments: `extends: NAME` (or a relative path) builds on another profile file of the same
 * folder, so `dev.yaml`, `test.yaml` and `prod.yaml` can share a `base.yaml` and change only what differs.
 * Mappings are merged key by key (the extending file wins), lists and values are replaced, and `false`
 * switches an inherited step off. Paths in each file stay relative to that file's folder.
 */
export function loadProfile(path: string): Profile {
  const file = basename(path);
  const raw = loadRawProfile(resolve(path), []);
  if (raw.name === undefined) raw.name = file.replace(/\.(ya?ml|json)$/i, '');
  const profile = parseProfile(raw, file);
  const diff = profile.steps.difference;
  if (diff && diff.reference && !existsSync(diff.reference)) {
    throw new InputError('PROFILE_INVALID', `${file}: steps.difference.reference: ${diff.reference} does not exist`);
  }
  return profile;
}

/** The YAML mapping of `path` merged over the chain of profiles it extends, paths made absolute. */
function loadRawProfile(path: string, chain: string[]): Record<string, unknown> {
  const file = basename(path);
  if (chain.includes(path)) {
    throw new InputError(
      'PROFILE_INVALID',
      `${basename(chain[0])}: extends: a cycle (${[...chain, path].map((p) => basename(p)).join(' → ')})`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const from = chain.length ? `${basename(chain[chain.length - 1])}: extends: ` : '';
    throw new InputError(
      'PROFILE_INVALID',
      `${from}${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InputError('PROFILE_INVALID', `${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  raw ??= {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError('PROFILE_INVALID', `${file}: profile: must be a mapping`);
  const own = { ...(raw as Record<string, unknown>) };
  // Paths written in a profile are relative to its folder, as users expect of config files, never to the
  // working directory of whichever process loads it (two workspaces started from one folder would
  // otherwise share one outputs folder and mix their stacks).
  const folder = dirname(path);
  const outputs = own.outputs as Record<string, unknown> | undefined;
  if (outputs && typeof outputs === 'object' && typeof outputs.dir === 'string' && outputs.dir)
    own.outputs = { ...outputs, dir: resolve(folder, outputs.dir) };
  const steps = own.steps as Record<string, unknown> | undefined;
  const diff =
    steps && typeof steps === 'object' ? (steps.difference as Record<string, unknown> | undefined) : undefined;
  if (diff && typeof diff === 'object' && typeof diff.reference === 'string' && diff.reference)
    own.steps = { ...steps, difference: { ...diff, reference: resolve(folder, diff.reference) } };
  const solve = steps && typeof steps === 'object' ? (steps.solve as Record<string, unknown> | undefined) : undefined;
  if (solve && typeof solve === 'object' && Array.isArray(solve.indexDirs))
    own.steps = {
      ...(own.steps as Record<string, unknown>),
      solve: { ...solve, indexDirs: solve.indexDirs.map((d) => (typeof d === 'string' && d ? resolve(folder, d) : d)) },
    };
  const parent = own.extends;
  delete own.extends;
  if (parent === undefined) return own;
  if (typeof parent !== 'string' || !parent.trim())
    throw new InputError('PROFILE_INVALID', `${file}: extends: must name a profile (a file of the same folder)`);
  const candidates = /\.ya?ml$/i.test(parent) ? [parent] : [`${parent}.yaml`, `${parent}.yml`];
  const basePath = candidates.map((c) => resolve(folder, c)).find(existsSync) ?? resolve(folder, candidates[0]);
  const base = loadRawProfile(basePath, [...chain, path]);
  delete base.name;
  return mergeProfiles(base, own);
}

/** Mappings merged key by key (`over` wins); anything else in `over` replaces. */
function mergeProfiles(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? mergeProfiles(out[k], v) : v;
  return out;
}

/** Validates a profile object (from YAML or JSON), filling defaults. */
export function parseProfile(raw: unknown, file = 'profile'): Profile {
  const bad = (field: string, problem: string): never => {
    throw new InputError('PROFILE_INVALID', `${file}: ${field}: ${problem}`);
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(field, 'must be a mapping');
    return v as Record<string, unknown>;
  };
  const unknownKeys = (o: Record<string, unknown>, allowed: Set<string>, field: string): void => {
    for (const k of Object.keys(o))
      if (!allowed.has(k))
        bad(field ? `${field}.${k}` : k, `unknown field (expected one of ${[...allowed].join(', ')})`);
  };
  const positive = (v: unknown, field: string, fallback: number, integer = false): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      bad(field, `must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
    }
    return v as number;
  };
  const bool = (v: unknown, field: string, fallback: boolean): boolean => {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') bad(field, `must be true or false, got ${JSON.stringify(v)}`);
    return v as boolean;
  };
  const p = defaultProfile();
  const top = obj(raw, 'profile');
  unknownKeys(top, TOP_KEYS, '');
  if (top.name !== undefined) {
    if (typeof top.name !== 'string' || !top.name.trim()) bad('name', 'must be a non-empty string');
    p.name = (top.name as string).trim();
  } else p.name = file.replace(/\.(ya?ml|json)$/i, '');
  if (top.patterns !== undefined) {
    if (
      !Array.isArray(top.patterns) ||
      top.patterns.length === 0 ||
      top.patterns.some((x) => typeof x !== 'string' || !x)
    ) {
      bad('patterns', 'must be a non-empty list of file-name globs');
    }
    p.patterns = top.patterns as string[];
  }
  if (top.steps !== undefined) {
    const s = obj(top.steps, 'steps');
    unknownKeys(s, STEP_KEYS, 'steps');
    // A profile that lists steps runs exactly those.
    p.steps = { stats: false, calibrate: false, detect: false, photometry: false, liveStack: false, difference: false };
    p.steps.stats = bool(s.stats, 'steps.stats', false);
    p.steps.liveStack = bool(s.liveStack, 'steps.liveStack', false);
    const section = (name: string): Record<string, unknown> | false => {
      const v = s[name];
      if (v === undefined || v === false || v === null) return false;
      if (v === true) return {};
      const o = obj(v, `steps.${name}`);
      return o;
    };
    const cal = section('calibrate');
    if (cal) {
      unknownKeys(cal, new Set(['require']), 'steps.calibrate');
      p.steps.calibrate = { require: bool(cal.require, 'steps.calibrate.require', false) };
    }
    const det = section('detect');
    if (det) {
      unknownKeys(det, new Set(['threshSigma', 'minAreaPx']), 'steps.detect');
      p.steps.detect = {
        threshSigma: positive(det.threshSigma, 'steps.detect.threshSigma', 3),
        minAreaPx: positive(det.minAreaPx, 'steps.detect.minAreaPx', 5, true),
      };
    }
    const phot = section('photometry');
    if (phot) {
      unknownKeys(phot, new Set(['radiusPx', 'annulusPx']), 'steps.photometry');
      const radiusPx = positive(phot.radiusPx, 'steps.photometry.radiusPx', 4);
      let annulusPx: [number, number] = [radiusPx * 2, radiusPx * 3];
      if (phot.annulusPx !== undefined) {
        const a = phot.annulusPx;
        if (!Array.isArray(a) || a.length !== 2 || a.some((v) => typeof v !== 'number' || !(v > 0)) || !(a[0] < a[1])) {
          bad(
            'steps.photometry.annulusPx',
            `must be [inner, outer] radii in pixels with inner < outer, got ${JSON.stringify(a)}`,
          );
        }
        annulusPx = [(a as number[])[0], (a as number[])[1]];
      }
      if (annulusPx[0] <= radiusPx)
        bad('steps.photometry.annulusPx', `inner radius ${annulusPx[0]} must exceed radiusPx ${radiusPx}`);
      p.steps.photometry = { radiusPx, annulusPx };
      if (!p.steps.detect) bad('steps.photometry', 'needs steps.detect (photometry measures the detected sources)');
    }
  }
  if (top.steps !== undefined) {
    const d = (top.steps as Record<string, unknown>).difference;
    if (d !== undefined && d !== false && d !== null) {
      const o = d === true ? {} : obj(d, 'steps.difference');
      unknownKeys(o, new Set(['reference', 'threshSigma', 'minAreaPx']), 'steps.difference');
      if (o.reference !== undefined && (typeof o.reference !== 'string' || !o.reference)) {
        bad('steps.difference.reference', 'must be the path of a reference FITS frame');
      }
      p.steps.difference = {
        reference: (o.reference as string | undefined) ?? null,
        threshSigma: positive(o.threshSigma, 'steps.difference.threshSigma', 5),
        minAreaPx: positive(o.minAreaPx, 'steps.difference.minAreaPx', 5, true),
      };
    }
    p.steps.score = bool((top.steps as Record<string, unknown>).score, 'steps.score', false);
  }
  if (top.steps !== undefined) {
    const v = (top.steps as Record<string, unknown>).solve;
    if (v !== undefined && v !== false && v !== null) {
      const o = v === true ? {} : obj(v, 'steps.solve');
      const keys = [
        'always',
        'raDeg',
        'decDeg',
        'radiusDeg',
        'scaleLowArcsec',
        'scaleHighArcsec',
        'indexDirs',
        'maxSeconds',
        'maxCandidates',
        'requireHint',
      ];
      unknownKeys(o, new Set(keys), 'steps.solve');
      const step: FrameSolveStep = { always: bool(o.always, 'steps.solve.always', false) };
      if (o.requireHint !== undefined) step.requireHint = bool(o.requireHint, 'steps.solve.requireHint', false);
      for (const k of ['radiusDeg', 'scaleLowArcsec', 'scaleHighArcsec', 'maxSeconds'] as const)
        if (o[k] !== undefined) step[k] = positive(o[k], `steps.solve.${k}`, 0);
      if (o.maxCandidates !== undefined) {
        if (!Number.isSafeInteger(o.maxCandidates) || (o.maxCandidates as number) < 1)
          bad('steps.solve.maxCandidates', `must be a positive integer, got ${JSON.stringify(o.maxCandidates)}`);
        step.maxCandidates = o.maxCandidates as number;
      }
      if ((o.raDeg === undefined) !== (o.decDeg === undefined)) bad('steps.solve', 'raDeg and decDeg go together');
      if (o.raDeg !== undefined) {
        if (typeof o.raDeg !== 'number' || !(o.raDeg >= 0 && o.raDeg < 360))
          bad('steps.solve.raDeg', `must be a number in [0, 360), got ${JSON.stringify(o.raDeg)}`);
        if (typeof o.decDeg !== 'number' || !(o.decDeg >= -90 && o.decDeg <= 90))
          bad('steps.solve.decDeg', `must be a number in [-90, 90], got ${JSON.stringify(o.decDeg)}`);
        step.raDeg = o.raDeg as number;
        step.decDeg = o.decDeg as number;
      }
      if (
        step.scaleLowArcsec !== undefined &&
        step.scaleHighArcsec !== undefined &&
        step.scaleLowArcsec > step.scaleHighArcsec
      )
        bad('steps.solve.scaleLowArcsec', 'must not exceed scaleHighArcsec');
      if (o.indexDirs !== undefined) {
        if (!Array.isArray(o.indexDirs) || o.indexDirs.some((d) => typeof d !== 'string' || !d))
          bad('steps.solve.indexDirs', 'must be a list of folders of astrometry.net index files');
        step.indexDirs = o.indexDirs as string[];
      }
      if (!p.steps.detect) bad('steps.solve', 'needs steps.detect (the solver matches the detected stars)');
      p.steps.solve = step;
    }
  }
  if (top.match !== undefined) {
    const m = obj(top.match, 'match');
    unknownKeys(m, new Set(['radiusArcsec']), 'match');
    p.match.radiusArcsec = positive(m.radiusArcsec, 'match.radiusArcsec', p.match.radiusArcsec);
  }
  if (top.stability !== undefined) {
    const m = obj(top.stability, 'stability');
    unknownKeys(m, new Set(['intervalMs', 'giveUpMs']), 'stability');
    p.stability.intervalMs = positive(m.intervalMs, 'stability.intervalMs', p.stability.intervalMs);
    p.stability.giveUpMs = positive(m.giveUpMs, 'stability.giveUpMs', p.stability.giveUpMs);
  }
  if (top.jobs !== undefined) {
    const m = obj(top.jobs, 'jobs');
    unknownKeys(m, new Set(['maxAttempts', 'timeoutMs']), 'jobs');
    p.jobs.maxAttempts = positive(m.maxAttempts, 'jobs.maxAttempts', p.jobs.maxAttempts, true);
    p.jobs.timeoutMs = positive(m.timeoutMs, 'jobs.timeoutMs', p.jobs.timeoutMs);
  }
  if (top.outputs !== undefined) {
    const m = obj(top.outputs, 'outputs');
    unknownKeys(m, new Set(['dir']), 'outputs');
    if (m.dir !== undefined && (typeof m.dir !== 'string' || !m.dir)) bad('outputs.dir', 'must be a path');
    p.outputs.dir = (m.dir as string | undefined) ?? null;
  }
  if (top.site !== undefined && top.site !== null) {
    const m = obj(top.site, 'site');
    unknownKeys(m, new Set(['longitudeDeg', 'latitudeDeg', 'heightM']), 'site');
    const angle = (v: unknown, field: string, limit: number): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > limit)
        bad(field, `must be a number of degrees within ±${limit}, got ${JSON.stringify(v)}`);
      return v as number;
    };
    const heightM = m.heightM ?? 0;
    if (typeof heightM !== 'number' || !Number.isFinite(heightM) || heightM < -500 || heightM > 10000)
      bad('site.heightM', `must be metres in [-500, 10000], got ${JSON.stringify(m.heightM)}`);
    p.site = {
      longitudeDeg: angle(m.longitudeDeg, 'site.longitudeDeg', 180),
      latitudeDeg: angle(m.latitudeDeg, 'site.latitudeDeg', 90),
      heightM: heightM as number,
    };
  }
  return p;
}

/** Case-insensitive file-name glob (`*`, `?`) match. */
export function matchesPatterns(fileName: string, patterns: readonly string[]): boolean {
  return patterns.some((glob) => globToRegExp(glob).test(fileName));
}

const globCache = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'i');
    globCache.set(glob, re);
  }
  return re;
}
