import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { Catalog, JOB_STATES, type FrameSort, type JobState, type SourceRow } from '../../node/catalog/index.js';
import { exportArrayRows, exportRows, ROW_FORMATS, type RowFormat } from '../../node/catalog/export.js';
import { fluxUnitOf, paged, sourceArrays } from '../../node/catalog/export-source.js';
import { crossMatchReference, readReferenceTable, referenceList } from '../../node/catalog/reference/index.js';
import { isRegionFormat, REGION_FORMATS, sourceRegions } from '../../node/catalog/export-regions.js';
import { readRegionFile, RegionSelection } from '../../node/catalog/regions/index.js';
import { createProgress } from '../progress.js';
import { UsageError } from '../cli-errors.js';
import { catalogOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb catalog SUBCOMMAND --db FILE [options] [--format FORMAT] [--out FILE]

  frames      [--sort id|date_obs|file_name|source_count|exposure_sec] [--desc] [--type light|bias|dark|flat] [--status S]
  sources     [--frame ID] [--region REG]          sources of one frame (or all), detection order; --region keeps
              those inside a DS9 or CRTF region file (image regions on x/y, sky regions on ra/dec; '-' excludes)
  objects                                          objects cross-matched across frames
  cone        --ra DEG --dec DEG --radius-arcsec R  objects in a cone, nearest first
  frames-at   --ra DEG --dec DEG                   frames whose footprint (WCS or plate solution) contains the
              position, nearest centre first, with its 0-based pixel x, y in each
  xmatch      --ref FILE [--radius-arcsec R] [--unmatched]
              a reference list (VOTable, ECSV, FITS table or CSV) against the catalog's objects [R 1″];
              RA/Dec/id/magnitude columns are found by UCD, then by name, or named with --ra-col --dec-col
              --id-col --mag-col --mag-err-col; positions in deg, h or sexagesimal, FK4/FK5 COOSYS → ICRS
  lightcurve  --object ID                          measurements of one object in time order
  jobs        [--state queued|running|done|failed]
  masters                                          master frames built from filed calibration frames
  stacks                                           live stacks of watched folders
  candidates  [--unlabelled]                       curation queue with current labels
  label       --candidate ID --label TEXT [--note TEXT] [--who NAME]
  unlabel     --candidate ID                       undo the newest label of a candidate
  history     --candidate ID                       every label of a candidate, undone ones included
  labels                                           current labels of every labelled candidate (export)

  Negative numbers need '=': --dec=-12.5
  --format  table (default) | csv (with a # header of units and UCDs; --plain-csv for none) | json | ecsv (ECSV 1.0) |
            votable (VOTable 1.4 TABLEDATA) | votable-binary2 | fits (BINTABLE with TUNIT/TUCD/TCOMM; needs --out)
            Units, UCDs and descriptions come from one column registry; fluxes carry the frames' BUNIT.
            sources only: ds9 (DS9 regions, image coordinates) | ds9-icrs | ds9-fk5 (sky coordinates through
            the frame's WCS, sizes in arcsec; need --frame ID)
  --limit N  at most N rows (default: every row; the count written is printed on stderr)  --offset N [0]
  --out FILE  write to FILE instead of stdout (x/y get 1-based X_IMAGE/Y_IMAGE twins in FITS)
`;

const SUBCOMMANDS = [
  'frames',
  'sources',
  'objects',
  'cone',
  'frames-at',
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

export const command: CliCommand = {
  name: 'catalog',
  summary: 'query the catalog: frames, sources, objects, cone, light curves, jobs, candidates and labels',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('catalog', argv, {
      db: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      frame: { type: 'string' },
      sort: { type: 'string' },
      desc: { type: 'boolean' },
      type: { type: 'string' },
      status: { type: 'string' },
      ra: { type: 'string' },
      dec: { type: 'string' },
      'radius-arcsec': { type: 'string' },
      ref: { type: 'string' },
      unmatched: { type: 'boolean' },
      'ra-col': { type: 'string' },
      'dec-col': { type: 'string' },
      'id-col': { type: 'string' },
      'mag-col': { type: 'string' },
      'mag-err-col': { type: 'string' },
      'plain-csv': { type: 'boolean' },
      region: { type: 'string' },
      object: { type: 'string' },
      state: { type: 'string' },
      unlabelled: { type: 'boolean' },
      candidate: { type: 'string' },
      label: { type: 'string' },
      note: { type: 'string' },
      who: { type: 'string' },
    });
    const [sub] = positionals;
    if (!sub || !SUBCOMMANDS.includes(sub))
      throw new UsageError(`catalog: expected one of ${SUBCOMMANDS.join(', ')}, got '${sub ?? ''}'`);
    const location = catalogOption(`catalog ${sub}`, values.db);
    if (!location) throw new UsageError(`catalog ${sub}: --db FILE is required`);
    const db = location.kind === 'sqlite' ? location.path : '';
    if (location.kind === 'sqlite' && !existsSync(db))
      throw new UsageError(`catalog ${sub}: ${db}: no such catalog database`);
    const format: string = values.format ?? 'table';
    const regions = isRegionFormat(format);
    if (regions && sub !== 'sources')
      throw new UsageError(`--format ${format}: regions are written for 'catalog sources' only`);
    if (!ROW_FORMATS.includes(format as RowFormat) && !regions)
      throw new UsageError(
        `--format must be one of ${[...ROW_FORMATS, ...Object.keys(REGION_FORMATS)].join(', ')}, got '${values.format}'`,
      );
    if (format === 'fits' && !values.out) throw new UsageError('--format fits needs --out FILE');
    const int = (name: string, raw: string | undefined, fallback?: number): number => {
      if (raw === undefined) {
        if (fallback === undefined) throw new UsageError(`catalog ${sub}: --${name} is required`);
        return fallback;
      }
      const v = numberOption(name, raw, 0);
      if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${raw}'`);
      return v;
    };
    const num = (name: string, raw: string | undefined): number => {
      if (raw === undefined) throw new UsageError(`catalog ${sub}: --${name} is required`);
      return numberOption(name, raw, 0);
    };
    const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : int('limit', values.limit);
    const offset = int('offset', values.offset, 0);
    if (values.region !== undefined && sub !== 'sources')
      throw new UsageError(`--region selects sources: use it with 'catalog sources', not '${sub}'`);
    if (location.kind === 'postgres') {
      if (regions) throw new UsageError(`--format ${format}: regions are written from a SQLite catalog only so far`);
      if (values.region !== undefined)
        throw new UsageError('--region: sources are selected by region from a SQLite catalog only so far');
      const { catalogOnPostgres } = await import('../catalog-postgres.js');
      return catalogOnPostgres(
        {
          sub,
          url: location.url,
          format: format as RowFormat,
          limit,
          offset,
          values,
          int,
          num,
          who: values.who ?? safeUser(),
        },
        ctx,
      );
    }
    const selection = values.region === undefined ? undefined : await regionSelection(values.region);
    const catalog = Catalog.open(db);
    try {
      let rows: Iterable<Record<string, unknown>>;
      /** Sources as arrays (the fast path of a whole-table export), when no selection needs them as objects. */
      let arrays: ReturnType<typeof sourceArrays> | undefined;
      /** A whole-table (or whole-frame) BINARY2 export, read from the catalog's pages when it can be. */
      let pages: { frameId?: number } | undefined;
      let extname = sub.toUpperCase();
      let fluxUnit: string | undefined;
      switch (sub) {
        case 'frames':
          rows = paged(limit, offset, (p) =>
            catalog
              .listFrames({
                ...p,
                sort: (values.sort ?? 'id') as FrameSort,
                descending: values.desc,
                frameType: values.type,
                status: values.status,
              })
              .map(({ quality, ...f }) => ({
                ...f,
                medianAdu: quality?.medianAdu ?? null,
                fwhmPx: quality?.fwhmPx ?? null,
              })),
          );
          break;
        case 'sources': {
          const frameId = values.frame === undefined ? undefined : int('frame', values.frame);
          if (selection) rows = selectedRows(catalog.iterateSources({ frameId }), selection, limit, offset);
          else if (regions) rows = catalog.iterateSources({ frameId, limit, offset }) as never;
          else if (format === 'votable-binary2' && values.out && limit === Number.POSITIVE_INFINITY && offset === 0) {
            pages = { frameId };
            rows = [];
          } else {
            arrays = sourceArrays(catalog.db, { frameId, limit, offset });
            rows = [];
          }
          fluxUnit = fluxUnitOf(catalog.db, frameId, ctx.stderr);
          break;
        }
        case 'objects':
          rows = paged(limit, offset, (p) => catalog.listObjects(p) as never);
          break;
        case 'cone': {
          const radius = num('radius-arcsec', values['radius-arcsec']);
          if (!(radius > 0)) throw new UsageError(`--radius-arcsec must be positive, got '${values['radius-arcsec']}'`);
          const dec = num('dec', values.dec);
          if (dec < -90 || dec > 90) throw new UsageError(`--dec must be in [-90, 90], got '${values.dec}'`);
          rows = catalog.cone(num('ra', values.ra), dec, radius) as never;
          break;
        }
        case 'frames-at': {
          const dec = num('dec', values.dec);
          if (dec < -90 || dec > 90) throw new UsageError(`--dec must be in [-90, 90], got '${values.dec}'`);
          const { framesContaining } = await import('../../node/catalog/footprints.js');
          rows = framesContaining(catalog.db, num('ra', values.ra), dec) as never;
          break;
        }
        case 'xmatch': {
          if (!values.ref) throw new UsageError('catalog xmatch: --ref FILE is required');
          const radius = values['radius-arcsec'] === undefined ? 1 : num('radius-arcsec', values['radius-arcsec']);
          if (!(radius > 0)) throw new UsageError(`--radius-arcsec must be positive, got '${values['radius-arcsec']}'`);
          const ref = referenceList(await readReferenceTable(values.ref), {
            ra: values['ra-col'],
            dec: values['dec-col'],
            id: values['id-col'],
            mag: values['mag-col'],
            magErr: values['mag-err-col'],
          });
          const matches = crossMatchReference(catalog, ref, radius, { unmatched: values.unmatched });
          const matched = matches.filter((m) => m.object_id !== null).length;
          ctx.stderr.write(`owb: ${ref.file}: ${ref.found.join('; ')}\n`);
          ctx.stderr.write(`owb: ${matched} of ${ref.rows} reference rows matched an object within ${radius}″\n`);
          rows = matches as never;
          extname = 'XMATCH';
          break;
        }
        case 'lightcurve':
          rows = catalog.lightCurve(int('object', values.object)) as never;
          extname = 'LIGHTCURVE';
          fluxUnit = fluxUnitOf(catalog.db, undefined, ctx.stderr);
          break;
        case 'jobs':
          if (values.state && !JOB_STATES.includes(values.state as JobState))
            throw new UsageError(`--state must be one of ${JOB_STATES.join(', ')}`);
          rows = paged(
            limit,
            offset,
            (p) => catalog.listJobs({ ...p, state: values.state as JobState | undefined }) as never,
          );
          break;
        case 'masters':
          rows = catalog.listMasters() as never;
          break;
        case 'stacks':
          rows = catalog.listStacks() as never;
          break;
        case 'candidates':
          rows = paged(limit, offset, (p) => catalog.listCandidates({ ...p, unlabelled: values.unlabelled }) as never);
          break;
        case 'label': {
          if (!values.label) throw new UsageError('catalog label: --label TEXT is required');
          const id = catalog.addLabel(int('candidate', values.candidate), values.label, {
            note: values.note,
            who: values.who ?? safeUser(),
          });
          rows = catalog.labelHistory(int('candidate', values.candidate)).filter((l) => l.id === id) as never;
          break;
        }
        case 'unlabel': {
          const undone = catalog.undoLabel(int('candidate', values.candidate));
          if (!undone) throw new UsageError(`catalog unlabel: candidate ${values.candidate} has no label to undo`);
          rows = [undone as never];
          break;
        }
        case 'history':
          rows = catalog.labelHistory(int('candidate', values.candidate)) as never;
          break;
        default:
          rows = catalog.exportLabels() as never;
          break;
      }
      if (regions) {
        const frameId = values.frame === undefined ? undefined : int('frame', values.frame);
        const sources = [...rows] as never[];
        const text = sourceRegions(catalog.db, sources, format, frameId);
        if (values.out) await writeFile(values.out, text);
        else ctx.stdout.write(text);
        const n = sources.length;
        ctx.stderr.write(
          `owb: ${n} ${n === 1 ? 'region' : 'regions'}${values.out ? ` written to ${values.out}` : ''}\n`,
        );
        return 0;
      }
      const progress = createProgress(ctx.stderr, ctx.interactive && values.out !== undefined, `export ${sub}`);
      const exportOptions = {
        out: values.out,
        extname,
        fluxUnit,
        csvHeader: !values['plain-csv'],
        fitsHeader: fitsCardsFor(sub, values.frame === undefined ? undefined : catalog.frame(Number(values.frame))),
        stdout: ctx.stdout,
        onProgress: (done: number) => progress.update(done),
      };
      let n: number | undefined;
      if (pages) {
        const { exportSourcesBinary2 } = await import('../../node/catalog/export-sources-binary2.js');
        const done = await exportSourcesBinary2(catalog.db, { ...exportOptions, out: values.out as string, ...pages });
        n = done?.rows;
        if (n === undefined) arrays = sourceArrays(catalog.db, { frameId: pages.frameId });
      }
      n ??= arrays
        ? await exportArrayRows(arrays.names, arrays.rows, format as RowFormat, exportOptions)
        : await exportRows(rows, format as RowFormat, exportOptions);
      progress.finish();
      if (selection)
        ctx.stderr.write(`owb: ${selection.seen} sources read, ${selection.kept} inside ${values.region}\n`);
      ctx.stderr.write(`owb: ${n} ${n === 1 ? 'row' : 'rows'}${values.out ? ` written to ${values.out}` : ''}\n`);
      return 0;
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`catalog ${sub}: ${error.message}`);
      throw error;
    } finally {
      catalog.close();
    }
  },
};

/**
 * RADESYS/EQUINOX for tables with ICRS positions; when the rows come from one frame its times as the FITS
 * time paper names them: MJD-OBS (start), MJD-AVG (mid-exposure, UTC) and, when known, BJD_TDB and HJD (UTC)
 * (mid-exposure).
 */
function fitsCardsFor(
  sub: string,
  frame: { mjd: number | null; mjdStart?: number | null; bjdTdb?: number | null; hjdUtc?: number | null } | undefined,
) {
  const cards: Array<{ key: string; value: string | number; comment: string }> = [];
  if (sub === 'sources' || sub === 'objects' || sub === 'cone') {
    cards.push({ key: 'RADESYS', value: 'ICRS', comment: 'frame of RA and DEC columns' });
    cards.push({ key: 'EQUINOX', value: 2000, comment: 'ICRS coordinates, J2000.0 equinox by convention' });
  }
  if (frame?.mjdStart != null)
    cards.push({ key: 'MJD-OBS', value: frame.mjdStart, comment: '[d] MJD (UTC) at the start of the frame' });
  if (frame?.mjd != null) cards.push({ key: 'MJD-AVG', value: frame.mjd, comment: '[d] MJD (UTC) mid-exposure' });
  if (frame?.bjdTdb != null) cards.push({ key: 'BJD_TDB', value: frame.bjdTdb, comment: '[d] BJD (TDB) mid-exposure' });
  if (frame?.hjdUtc != null) cards.push({ key: 'HJD', value: frame.hjdUtc, comment: '[d] HJD (UTC) mid-exposure' });
  return cards;
}

/** A region file as a source selection that counts what it saw and kept (for the stderr summary). */
async function regionSelection(path: string): Promise<{ select: RegionSelection; seen: number; kept: number }> {
  try {
    return { select: new RegionSelection((await readRegionFile(path)).regions), seen: 0, kept: 0 };
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
}

/** The rows inside the selection, then `offset` and `limit` applied to those (not to the rows read). */
function* selectedRows(
  rows: Iterable<SourceRow>,
  selection: { select: RegionSelection; seen: number; kept: number },
  limit: number,
  offset: number,
): Generator<Record<string, unknown>> {
  let skip = offset;
  for (const r of rows) {
    selection.seen++;
    if (!selection.select.contains(r)) continue;
    selection.kept++;
    if (skip > 0) {
      skip--;
      continue;
    }
    if (selection.kept - offset > limit) return;
    yield r as unknown as Record<string, unknown>;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
