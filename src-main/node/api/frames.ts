import { InputError } from '../../../src-workers/core/errors.js';
import { parseCelestialWcs } from '../../../src-workers/core/wcs/index.js';
import type { FrameDetail, HeaderValue, SourceColumns } from '../../common/workbench-dto.js';
import type { HandlerGroup } from './handler-types.js';
import { frameFromRow, type FrameDbRow } from './rows.js';
import type { WorkbenchServices } from './services.js';

type FrameKeys =
  | 'owb:workspace.info'
  | 'owb:frames.list'
  | 'owb:frames.get'
  | 'owb:frames.pixels'
  | 'owb:frames.thumbnail'
  | 'owb:frames.sources';

export async function frameRow(services: WorkbenchServices, frameId: number): Promise<FrameDbRow> {
  const row = await services.sql.get<FrameDbRow>('SELECT * FROM frames WHERE id = ?', [frameId]);
  if (!row) throw new InputError('NOT_FOUND', `frame ${frameId} is not in the catalog`);
  return row;
}

async function count(services: WorkbenchServices, table: string): Promise<number> {
  return ((await services.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number }).n;
}

/** WCS keywords a plate solution replaces in the header shown (and used by the viewer's RA/Dec readout). */
const WCS_KEY =
  /^(WCSAXES|CTYPE\d|CUNIT\d|CRPIX\d|CRVAL\d|CDELT\d|CROTA\d|CD\d_\d|PC\d_\d|PV\d_\d+|LONPOLE|LATPOLE|RADESYS|EQUINOX|(A|B|AP|BP)_(ORDER|\d_\d))$/;

/** The header with the `solve` step's solution in place of any WCS cards it had (the file is untouched). */
function withSolution(header: FrameDetail['header'], row: FrameDbRow): FrameDetail['header'] {
  if (row.solve_status !== 'solved' || !row.wcs_json) return header;
  const cards = JSON.parse(row.wcs_json) as Record<string, HeaderValue>;
  return [
    ...header.filter((c) => !WCS_KEY.test(c.key)),
    ...Object.entries(cards).map(([key, value]) => ({ key, value, comment: 'plate solution (owb solve step)' })),
  ];
}

/**
 * The header the UI shows for a frame: the file's cards (without COMMENT/HISTORY), or the header stored at
 * ingest when the file has moved, with the `solve` step's solution in place of its WCS cards.
 */
export async function shownHeader(services: WorkbenchServices, row: FrameDbRow): Promise<FrameDetail['header']> {
  return (await frameHeader(services, row)).header;
}

/**
 * The header of one image HDU of a frame's file (the first by default) with the plate solution applied to
 * the frame's own image, and the file's image HDUs; the header stored at ingest when the file has moved.
 */
async function frameHeader(
  services: WorkbenchServices,
  row: FrameDbRow,
  hdu?: number,
): Promise<{ header: FrameDetail['header']; images: FrameDetail['images'] }> {
  let header: FrameDetail['header'];
  let images: FrameDetail['images'];
  try {
    const loaded = await services.images.get(row.path, { hdu });
    images = { list: loaded.images, hdu: loaded.hdu };
    header = loaded.header.cards
      .filter((c) => c.key !== 'COMMENT' && c.key !== 'HISTORY' && c.key !== '')
      .map((c) => ({ key: c.key, value: (c.value ?? null) as HeaderValue, comment: c.comment }));
  } catch (e) {
    // An HDU that holds no image is the caller's mistake, not a moved file.
    if (hdu !== undefined && e instanceof InputError && e.code === 'BAD_PARAMETER') throw e;
    // The file may have moved; fall back to the header the catalog stored at ingest.
    const stored = row.header_json ? (JSON.parse(row.header_json) as Record<string, HeaderValue>) : {};
    header = Object.entries(stored).map(([key, value]) => ({ key, value }));
  }
  // The plate solution is of the frame's image (its first image HDU), not of other extensions.
  const shown = !images || images.hdu === images.list[0].hdu ? withSolution(header, row) : header;
  return { header: shown, images };
}

/** Why the header shown has no sky coordinates (the WCS reader's reason), and the catalog's note on the times. */
function coordinatesNote(header: FrameDetail['header'], row: FrameDbRow): NonNullable<FrameDetail['coordinates']> {
  const cards = new Map(header.map((c) => [c.key, c.value]));
  const parsed = parseCelestialWcs({ get: (key) => cards.get(key) });
  return { skyReason: 'reason' in parsed ? parsed.reason : null, timeNote: row.time_note ?? null };
}

export const frameHandlers: HandlerGroup<FrameKeys> = (services) => ({
  'owb:workspace.info': async () => ({
    root: services.root,
    catalogPath: services.catalogPath,
    catalogAvailable: true,
    counts: {
      frames: await count(services, 'frames'),
      sources: await count(services, 'sources'),
      objects: await count(services, 'objects'),
      candidates: await count(services, 'candidates'),
      labels: await count(services, 'labels'),
      jobs: await count(services, 'jobs'),
    },
    version: services.version,
  }),

  'owb:frames.list': async () => {
    const rows = await services.sql.all<FrameDbRow>(
      `SELECT * FROM frames ORDER BY COALESCE(date_obs, '')${services.sql.dialect.bytes}, id`,
    );
    return rows.map(frameFromRow);
  },

  'owb:frames.get': async ({ frameId, hdu }) => {
    const row = await frameRow(services, frameId);
    const { header: shown, images } = await frameHeader(services, row, hdu);
    return { frame: frameFromRow(row), header: shown, coordinates: coordinatesNote(shown, row), images };
  },

  'owb:frames.pixels': async ({ frameId, binning, hdu, plane }) =>
    services.images.binned((await frameRow(services, frameId)).path, binning ?? 1, { hdu, plane }),

  'owb:frames.thumbnail': async ({ frameId, sizePx }) => {
    const path = (await frameRow(services, frameId)).path;
    const { image } = await services.images.get(path);
    const binning = Math.max(1, Math.ceil(Math.max(image.width, image.height) / sizePx));
    return services.images.binned(path, binning);
  },

  'owb:frames.sources': async ({ frameId }) => {
    await frameRow(services, frameId);
    const rows = await services.sql.all<{
      id: number;
      x: number;
      y: number;
      a: number | null;
      b: number | null;
      theta: number | null;
      flux: number | null;
      snr: number | null;
      flags: number;
    }>('SELECT id, x, y, a, b, theta, flux, snr, flags FROM sources WHERE frame_id = ? ORDER BY idx', [frameId]);
    const n = rows.length;
    const out: SourceColumns = {
      count: n,
      id: new Float64Array(n),
      x: new Float32Array(n),
      y: new Float32Array(n),
      a: new Float32Array(n),
      b: new Float32Array(n),
      thetaRad: new Float32Array(n),
      flux: new Float32Array(n),
      snr: new Float32Array(n),
      flags: new Int32Array(n),
    };
    rows.forEach((r, i) => {
      out.id[i] = r.id;
      out.x[i] = r.x;
      out.y[i] = r.y;
      out.a[i] = r.a ?? 3;
      out.b[i] = r.b ?? r.a ?? 3;
      out.thetaRad[i] = r.theta ?? 0;
      out.flux[i] = r.flux ?? Number.NaN;
      out.snr[i] = r.snr ?? Number.NaN;
      out.flags[i] = r.flags;
    });
    return out;
  },
});
