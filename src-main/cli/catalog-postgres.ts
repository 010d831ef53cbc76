import { exportRows, type RowFormat } from '../node/catalog/export.js';
import { voUnit } from '../node/catalog/export-source.js';
import { JOB_STATES, type FrameSort, type JobState } from '../node/catalog/index.js';
import { PgCatalog } from '../node/catalog/postgres/pg-catalog.js';
import { PgCuration } from '../node/catalog/postgres/pg-curation.js';
import { assignReferenceMatches } from '../node/catalog/reference/cross-match.js';
import { readReferenceTable, referenceList } from '../node/catalog/reference/index.js';
import { UsageError } from './cli-errors.js';
import type { CliContext } from './command.js';
import { connectCatalog } from './postgres-runs.js';

/** The `owb catalog` subcommands a PostgreSQL catalog answers (the rest need the SQLite catalog so far). */
export const POSTGRES_CATALOG_SUBCOMMANDS = [
  'frames',
  'sources',
  'objects',
  'cone',
  'xmatch',
  'lightcurve',
  'jobs',
  'masters',
  'stacks',
  'candidates',
  'label',
  'unlabel',
  'history',
  'labels',
];

export interface CatalogQuery {
  sub: string;
  url: string;
  format: RowFormat;
  limit: number;
  offset: number;
  values: Partial<Record<string, string | boolean>>;
  int: (name: string, raw: string | undefined, fallback?: number) => number;
  num: (name: string, raw: string | undefined) => number;
  /** Who labels (`--who`, else the user's login name). */
  who: string;
}

/**
 * `owb catalog SUB --db postgres://…`: the same rows, columns and formats as on SQLite (cone search through
 * `q3c_radial_query`, xmatch through `q3c_join`). Rows are read from the server before they are written, so
 * give --limit/--offset to export very large tables in parts.
 */
export async function catalogOnPostgres(q: CatalogQuery, ctx: CliContext): Promise<number> {
  const { sub, values } = q;
  if (!POSTGRES_CATALOG_SUBCOMMANDS.includes(sub))
    throw new UsageError(
      `catalog ${sub}: not available on a PostgreSQL catalog yet (it answers ${POSTGRES_CATALOG_SUBCOMMANDS.join(', ')})`,
    );
  const catalog = new PgCatalog(await connectCatalog(`catalog ${sub}`, q.url, 2));
  const curation = new PgCuration(catalog.pool);
  try {
    const all = async <T>(fetch: (p: { limit: number; offset: number }) => Promise<T[]>): Promise<T[]> => {
      const out: T[] = [];
      for (let at = q.offset, left = q.limit; left > 0;) {
        const want = Math.min(10_000, left);
        const rows = await fetch({ limit: want, offset: at });
        out.push(...rows);
        if (rows.length < want) break;
        at += rows.length;
        left -= rows.length;
      }
      return out;
    };
    let rows: Array<Record<string, unknown>>;
    let extname = sub.toUpperCase();
    let fluxUnit: string | undefined;
    const unitOf = async (frameId: number | undefined) => {
      const units = new Set((await catalog.frameUnits(frameId)).map(voUnit));
      if (units.size > 1) {
        ctx.stderr.write(
          `owb: warning: frames have different BUNIT (${[...units].join(', ')}); flux columns get no unit\n`,
        );
        return '';
      }
      return units.size === 1 ? [...units][0] : 'adu';
    };
    switch (sub) {
      case 'frames':
        rows = (
          await all((p) =>
            catalog.listFrames({
              ...p,
              sort: (values.sort ?? 'id') as FrameSort,
              descending: values.desc === true,
              frameType: values.type as string | undefined,
              status: values.status as string | undefined,
            }),
          )
        ).map(({ quality, ...f }) => ({
          ...f,
          medianAdu: quality?.medianAdu ?? null,
          fwhmPx: quality?.fwhmPx ?? null,
        }));
        break;
      case 'sources': {
        const frameId = values.frame === undefined ? undefined : q.int('frame', values.frame as string);
        rows = (await catalog.listSources({ frameId, limit: q.limit, offset: q.offset })) as never;
        fluxUnit = await unitOf(frameId);
        break;
      }
      case 'objects':
        rows = (await all((p) => catalog.listObjects(p))) as never;
        break;
      case 'cone': {
        const radius = q.num('radius-arcsec', values['radius-arcsec'] as string | undefined);
        if (!(radius > 0)) throw new UsageError(`--radius-arcsec must be positive, got '${values['radius-arcsec']}'`);
        const dec = q.num('dec', values.dec as string | undefined);
        if (dec < -90 || dec > 90) throw new UsageError(`--dec must be in [-90, 90], got '${values.dec}'`);
        rows = (await catalog.cone(q.num('ra', values.ra as string | undefined), dec, radius)) as never;
        break;
      }
      case 'xmatch': {
        if (typeof values.ref !== 'string') throw new UsageError('catalog xmatch: --ref FILE is required');
        const radius =
          values['radius-arcsec'] === undefined ? 1 : q.num('radius-arcsec', values['radius-arcsec'] as string);
        if (!(radius > 0)) throw new UsageError(`--radius-arcsec must be positive, got '${values['radius-arcsec']}'`);
        const col = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
        const ref = referenceList(await readReferenceTable(values.ref), {
          ra: col('ra-col'),
          dec: col('dec-col'),
          id: col('id-col'),
          mag: col('mag-col'),
          magErr: col('mag-err-col'),
        });
        const nearest = await catalog.nearestObjects(ref.ra, ref.dec, radius);
        const matches = assignReferenceMatches(ref, nearest, { unmatched: values.unmatched === true });
        const matched = matches.filter((m) => m.object_id !== null).length;
        ctx.stderr.write(`owb: ${ref.file}: ${ref.found.join('; ')}\n`);
        ctx.stderr.write(`owb: ${matched} of ${ref.rows} reference rows matched an object within ${radius}″\n`);
        rows = matches as never;
        extname = 'XMATCH';
        break;
      }
      case 'lightcurve':
        rows = (await catalog.lightCurve(q.int('object', values.object as string | undefined))) as never;
        extname = 'LIGHTCURVE';
        fluxUnit = await unitOf(undefined);
        break;
      case 'masters':
        rows = (await curation.listMasters()) as never;
        break;
      case 'stacks':
        rows = (await curation.listStacks()) as never;
        break;
      case 'candidates':
        rows = (await all((p) => curation.listCandidates({ ...p, unlabelled: values.unlabelled === true }))) as never;
        break;
      case 'label': {
        if (typeof values.label !== 'string' || !values.label)
          throw new UsageError('catalog label: --label TEXT is required');
        const candidate = q.int('candidate', values.candidate as string | undefined);
        const note = typeof values.note === 'string' ? values.note : undefined;
        const id = await curation.addLabel(candidate, values.label, { note, who: q.who });
        rows = (await curation.labelHistory(candidate)).filter((l) => l.id === id) as never;
        break;
      }
      case 'unlabel': {
        const undone = await curation.undoLabel(q.int('candidate', values.candidate as string | undefined));
        if (!undone) throw new UsageError(`catalog unlabel: candidate ${values.candidate} has no label to undo`);
        rows = [undone] as never;
        break;
      }
      case 'history':
        rows = (await curation.labelHistory(q.int('candidate', values.candidate as string | undefined))) as never;
        break;
      case 'labels':
        rows = (await curation.exportLabels()) as never;
        break;
      default:
        if (values.state && !JOB_STATES.includes(values.state as JobState))
          throw new UsageError(`--state must be one of ${JOB_STATES.join(', ')}`);
        rows = (await all((p) => catalog.listJobs({ ...p, state: values.state as JobState | undefined }))) as never;
        break;
    }
    const out = typeof values.out === 'string' ? values.out : undefined;
    const n = await exportRows(rows as never, q.format, {
      out,
      extname,
      fluxUnit,
      csvHeader: !values['plain-csv'],
      fitsHeader:
        sub === 'sources' || sub === 'objects' || sub === 'cone'
          ? [
              { key: 'RADESYS', value: 'ICRS', comment: 'frame of RA and DEC columns' },
              { key: 'EQUINOX', value: 2000, comment: 'ICRS coordinates, J2000.0 equinox by convention' },
            ]
          : [],
      stdout: ctx.stdout,
    });
    ctx.stderr.write(`owb: ${n} ${n === 1 ? 'row' : 'rows'}${out ? ` written to ${out}` : ''}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`catalog ${sub}: ${error.message}`);
    throw error;
  } finally {
    await catalog.close();
  }
}
