/**
 * Payload guards: one per invoke channel, returning `null` when the request is well-formed or a message
 * naming the offending field. Handlers run only after their guard passed, on both transports.
 */
import type { InvokeChannel } from './ipc-contract.js';

type Guard = (request: unknown) => string | null;
type Shape = Record<string, FieldRule>;
interface FieldRule {
  type: 'int' | 'number' | 'string' | 'boolean' | 'object' | 'enum';
  optional?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
}

const int = (min = 0, max = Number.MAX_SAFE_INTEGER): FieldRule => ({ type: 'int', min, max });
const optInt = (min = 0, max = Number.MAX_SAFE_INTEGER): FieldRule => ({ type: 'int', min, max, optional: true });
const num = (min = -Infinity, max = Infinity): FieldRule => ({ type: 'number', min, max });
const optNum = (min = -Infinity, max = Infinity): FieldRule => ({ type: 'number', min, max, optional: true });
const str: FieldRule = { type: 'string' };
const optStr: FieldRule = { type: 'string', optional: true };
const oneOf = (values: readonly string[], optional = false): FieldRule => ({ type: 'enum', values, optional });

function check(shape: Shape): Guard {
  return (request) => {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) return 'request must be an object';
    const record = request as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!(key in shape)) return `unexpected field '${key}'`;
    for (const [key, rule] of Object.entries(shape)) {
      const value = record[key];
      if (value === undefined) {
        if (rule.optional) continue;
        return `'${key}' is required`;
      }
      const problem = checkField(key, value, rule);
      if (problem) return problem;
    }
    return null;
  };
}

function checkField(key: string, value: unknown, rule: FieldRule): string | null {
  switch (rule.type) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `'${key}' must be a finite number`;
      if (rule.type === 'int' && !Number.isInteger(value)) return `'${key}' must be an integer`;
      if (value < (rule.min ?? -Infinity) || value > (rule.max ?? Infinity)) {
        return `'${key}' must be in [${rule.min}, ${rule.max}], got ${value}`;
      }
      return null;
    }
    case 'string':
      return typeof value === 'string' && value.length <= 4096 ? null : `'${key}' must be a string`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `'${key}' must be true or false`;
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : `'${key}' must be an object`;
    case 'enum':
      return typeof value === 'string' && rule.values?.includes(value)
        ? null
        : `'${key}' must be one of ${rule.values?.join(', ')}`;
  }
}

const kinds = ['detection', 'candidate'] as const;
const sortKeys = ['id', 'frameId', 'x', 'y', 'raDeg', 'decDeg', 'flux', 'mag', 'snr', 'fwhmPx', 'flags'] as const;
const LABEL = /^(accept|reject|class:[1-9])$/;

export const PAYLOAD_GUARDS: Record<InvokeChannel, Guard> = {
  'owb:workspace.info': check({}),
  'owb:frames.list': check({}),
  'owb:frames.get': check({ frameId: int(), hdu: optInt(0, 9999) }),
  'owb:frames.pixels': check({ frameId: int(), binning: optInt(1, 64), hdu: optInt(0, 9999), plane: optInt() }),
  'owb:frames.thumbnail': check({ frameId: int(), sizePx: int(8, 512) }),
  'owb:frames.sources': check({ frameId: int() }),
  'owb:sources.query': check({
    frameId: optInt(),
    minSnr: optNum(),
    search: optStr,
    sortBy: oneOf(sortKeys, true),
    descending: { type: 'boolean', optional: true },
    offset: int(),
    limit: int(1, 10_000),
  }),
  'owb:objects.cone': check({ raDeg: num(0, 360), decDeg: num(-90, 90), radiusArcsec: num(0, 36_000) }),
  'owb:objects.query': check({
    minMeasurements: optInt(),
    sortBy: oneOf(['id', 'raDeg', 'decDeg', 'nMeasurements'], true),
    descending: { type: 'boolean', optional: true },
    offset: int(),
    limit: int(1, 10_000),
  }),
  'owb:objects.lightCurve': check({ objectId: int() }),
  'owb:catalog.export': check({
    format: oneOf(['csv', 'ecsv', 'votable', 'fits', 'ds9', 'ds9-icrs']),
    frameId: optInt(),
    minSnr: optNum(),
  }),
  'owb:curation.queue': check({
    kind: oneOf(kinds),
    frameId: optInt(),
    minSnr: optNum(),
    excludeFlags: optInt(),
    unlabelledOnly: { type: 'boolean', optional: true },
    limit: optInt(1, 100_000),
    order: oneOf(['id', 'score', 'scoreAscending', 'uncertainty'], true),
    minScore: optNum(0, 1),
    maxScore: optNum(0, 1),
  }),
  'owb:curation.stamps': check({ kind: oneOf(kinds), id: int(), sizePx: int(8, 256) }),
  'owb:labels.set': (request) => {
    const base = check({ targetKind: oneOf(kinds), targetId: int(), label: str })(request);
    if (base) return base;
    const label = (request as { label: string }).label;
    return LABEL.test(label) ? null : `'label' must be accept, reject or class:1 … class:9, got '${label}'`;
  },
  'owb:labels.undo': check({}),
  'owb:labels.history': check({ targetKind: str, targetId: int() }),
  'owb:labels.exportCsv': check({}),
  'owb:jobs.list': check({ limit: optInt(1, 10_000) }),
  'owb:jobs.retry': check({ jobId: int() }),
  'owb:pipeline.stats': check({}),
  'owb:watch.list': check({}),
  'owb:watch.add': check({ path: str, profile: str, allowOutside: { type: 'boolean', optional: true } }),
  'owb:watch.remove': check({ id: int() }),
  'owb:watch.setPaused': check({ id: int(), paused: { type: 'boolean' } }),
  'owb:watch.profiles': check({}),
  'owb:masters.list': check({}),
  'owb:synth.defaults': check({}),
  'owb:synth.validate': check({ config: { type: 'object' } }),
  'owb:synth.preview': check({ config: { type: 'object' }, count: int(1, 16), sizePx: optInt(16, 512) }),
  'owb:synth.run': check({ config: { type: 'object' }, outDir: optStr }),
  'owb:synth.cancel': check({ runId: str }),
  'owb:samp.status': check({}),
  'owb:samp.connect': check({}),
  'owb:samp.send': check({
    what: oneOf(['sources', 'image', 'sky']),
    frameId: optInt(),
    raDeg: optNum(0, 360),
    decDeg: optNum(-90, 90),
    to: optStr,
  }),
  'owb:lightcurve.comps': check({ objectId: int(1) }),
  'owb:lightcurve.setComps': (request) => {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) return 'request must be an object';
    const { compObjects: ids, ...rest } = request as { compObjects?: unknown };
    const base = check({ objectId: int(1) })(rest);
    if (base) return base;
    if (!Array.isArray(ids)) return "'compObjects' must be an array of object ids";
    if (ids.length > 1000) return "'compObjects' holds at most 1000 ids";
    const bad = ids.find((v) => !Number.isSafeInteger(v) || (v as number) < 1);
    return bad === undefined ? null : `'compObjects' must hold positive integer object ids, got ${JSON.stringify(bad)}`;
  },
  'owb:lightcurve.ensemble': check({ objectId: int(1), frameId: optInt() }),
  'owb:frames.objectAt': check({ frameId: int(), x: num(-1e6, 1e6), y: num(-1e6, 1e6), radiusPx: optNum(0, 100) }),
  'owb:models.runs': check({}),
  'owb:models.run': check({ runId: str }),
  'owb:models.activate': check({ runId: str }),
  'owb:models.retrainHint': check({ task: oneOf(['realbogus', 'lens']) }),
  'owb:frames.catalogStars': check({ frameId: int(), limit: optInt(1, 20_000) }),
  'owb:models.scoreCandidates': check({}),
  'owb:frames.regionPhotometry': regionRequest,
  'owb:frames.detectMasked': regionRequest,
  'owb:frames.registerStars': check({ frameId: int(), referenceId: int() }),
  'owb:models.train': check({ task: oneOf(['realbogus', 'lens']), epochs: int(1, 1000), name: optStr }),
  'owb:models.training': check({}),
  'owb:models.cancelTraining': check({}),
};

/** Region text may be longer than the 4096 characters of other strings (many regions, long polygons). */
function regionRequest(request: unknown): string | null {
  const { regions, ...rest } = (request ?? {}) as { regions?: unknown };
  const base = check({ frameId: int() })(rest);
  if (base) return base;
  if (typeof regions !== 'string') return "'regions' must be a string (DS9 region text)";
  return regions.length <= 1_000_000 ? null : "'regions' must be at most 1,000,000 characters";
}
