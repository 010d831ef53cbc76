import { userInfo } from 'node:os';
import { InputError } from '../../../src-workers/core/errors.js';
import type { CurationFilter, CurationItem, LabelRecord, PixelsDto } from '../../common/workbench-dto.js';
import { activeRun } from '../ml/run-store.js';
import type { HandlerGroup } from './handler-types.js';
import { stamp } from './frame-images.js';
import { referenceStamps } from './reference-stamps.js';
import { iso } from './rows.js';
import type { CatalogSql, SqlValue } from '../catalog/catalog-sql.js';
import type { WorkbenchServices } from './services.js';

type CurationKeys =
  | 'owb:curation.queue'
  | 'owb:curation.stamps'
  | 'owb:labels.set'
  | 'owb:labels.undo'
  | 'owb:labels.history'
  | 'owb:labels.exportCsv';

/**
 * Labels live in the catalog's `labels` table, which points at `candidates`. A detection (a row of
 * `sources`) is labelled through a candidate of kind `detection` made for it on its first decision, so
 * detections and transient candidates share one history and one export.
 */
const CURRENT_LABEL = `(SELECT l.label FROM labels l WHERE l.candidate_id = c.id AND l.undone_at IS NULL ORDER BY l.id DESC LIMIT 1)`;

/** ORDER BY of the candidate queue; unscored candidates come after scored ones, ties by id. */
const CANDIDATE_ORDER: Record<NonNullable<CurationFilter['order']>, string> = {
  id: 'c.id',
  score: '(ms.score IS NULL), ms.score DESC, c.id',
  scoreAscending: '(ms.score IS NULL), ms.score ASC, c.id',
  uncertainty: '(ms.score IS NULL), abs(ms.score - 0.5), c.id',
};

interface CandidateDbRow {
  id: number;
  kind: string;
  frame_id: number | null;
  source_id: number | null;
  score: number | null;
  details_json: string | null;
}

function who(): string {
  try {
    return userInfo().username || 'workbench';
  } catch {
    return 'workbench';
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function details(row: { details_json: string | null }): Record<string, unknown> {
  try {
    return row.details_json ? (JSON.parse(row.details_json) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The candidate row that carries labels for a target, created for detections on demand. */
async function candidateFor(
  sql: CatalogSql,
  kind: 'detection' | 'candidate',
  targetId: number,
  create: boolean,
): Promise<number | null> {
  if (kind === 'candidate') {
    const row = await sql.get<{ id: number }>('SELECT id FROM candidates WHERE id = ?', [targetId]);
    if (!row) throw new InputError('NOT_FOUND', `candidate ${targetId} is not in the catalog`);
    return row.id;
  }
  const existing = await sql.get<{ id: number }>(
    "SELECT id FROM candidates WHERE kind = 'detection' AND source_id = ? ORDER BY id LIMIT 1",
    [targetId],
  );
  if (existing || !create) return existing?.id ?? null;
  const source = await sql.get<{ id: number; frame_id: number; object_id: number | null; snr: number | null }>(
    'SELECT id, frame_id, object_id, snr FROM sources WHERE id = ?',
    [targetId],
  );
  if (!source) throw new InputError('NOT_FOUND', `detection ${targetId} is not in the catalog`);
  return sql.insert(
    "INSERT INTO candidates (kind, object_id, frame_id, source_id, score, details_json, created_at) VALUES ('detection', ?, ?, ?, ?, NULL, ?)",
    [source.object_id, source.frame_id, source.id, source.snr, Date.now()],
  );
}

async function targetOf(
  sql: CatalogSql,
  candidateId: number,
): Promise<{ kind: 'detection' | 'candidate'; id: number }> {
  const row = await sql.get<{ kind: string; source_id: number | null }>(
    'SELECT kind, source_id FROM candidates WHERE id = ?',
    [candidateId],
  );
  if (row?.kind === 'detection' && row.source_id != null) return { kind: 'detection', id: row.source_id };
  return { kind: 'candidate', id: candidateId };
}

async function currentLabel(sql: CatalogSql, candidateId: number): Promise<string | null> {
  const row = await sql.get<{ label: string }>(
    'SELECT label FROM labels WHERE candidate_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1',
    [candidateId],
  );
  return row?.label ?? null;
}

async function pixelsAt(
  services: WorkbenchServices,
  path: unknown,
  x: number,
  y: number,
  size: number,
): Promise<PixelsDto | null> {
  if (typeof path !== 'string' || !path) return null;
  try {
    return stamp((await services.images.get(path)).image, x, y, size);
  } catch {
    return null;
  }
}

export const curationHandlers: HandlerGroup<CurationKeys> = (services) => ({
  'owb:curation.queue': async (filter) => {
    const { sql } = services;
    const limit = filter.limit ?? 5000;
    const args: SqlValue[] = [];
    const where: string[] = [];
    if (filter.kind === 'detection') {
      if (filter.frameId !== undefined) {
        where.push('s.frame_id = ?');
        args.push(filter.frameId);
      }
      if (filter.minSnr !== undefined) {
        where.push('s.snr >= ?');
        args.push(filter.minSnr);
      }
      if (filter.excludeFlags) {
        where.push('(s.flags & ?) = 0');
        args.push(filter.excludeFlags);
      }
      // Current labels of detections (a small set: what curators have decided), so the million-row
      // sources table is read once in order with no per-row subquery, stopping at `limit`.
      const labels = new Map<number, string>();
      const labelled = await sql.all<{ id: number; label: string | null }>(
        `SELECT c.source_id AS id, ${CURRENT_LABEL} AS label FROM candidates c
          WHERE c.kind = 'detection' AND c.source_id IS NOT NULL ORDER BY c.id`,
      );
      for (const l of labelled) if (l.label) labels.set(l.id, l.label);
      const rows: Array<Record<string, number | null> & { label: string | null }> = [];
      if (limit > 0)
        await sql.each<Record<string, number | null>>(
          `SELECT s.id, s.frame_id, s.x, s.y, s.ra, s.dec, s.flux, s.flux_err, s.mag, s.snr, s.fwhm, s.a, s.b, s.flags
             FROM sources s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY s.frame_id, s.snr DESC ${sql.dialect.nulls(true)}, s.id`,
          args,
          (r) => {
            const label = labels.get(r.id as number) ?? null;
            if (filter.unlabelledOnly && label) return true;
            rows.push(Object.assign(r, { label }) as Record<string, number | null> & { label: string | null });
            return rows.length < limit;
          },
          Math.min(5000, limit + 100),
        );
      const items: CurationItem[] = [];
      for (const r of rows) {
        items.push({
          kind: 'detection',
          id: r.id as number,
          frameId: r.frame_id as number,
          x: r.x as number,
          y: r.y as number,
          raDeg: r.ra,
          decDeg: r.dec,
          measurements: {
            flux: r.flux,
            fluxErr: r.flux_err,
            mag: r.mag,
            snr: r.snr,
            fwhmPx: r.fwhm,
            aPx: r.a,
            bPx: r.b,
            flags: r.flags,
          },
          label: r.label,
        });
      }
      return items;
    }
    where.push("c.kind <> 'detection'");
    if (filter.frameId !== undefined) {
      where.push('c.frame_id = ?');
      args.push(filter.frameId);
    }
    if (filter.minSnr !== undefined) {
      where.push('COALESCE(c.score, 0) >= ?');
      args.push(filter.minSnr);
    }
    if (filter.unlabelledOnly) where.push(`${CURRENT_LABEL} IS NULL`);
    // Scores of the workspace's active realbogus model (none: every candidate is unscored).
    const version = activeRun(services.root, 'realbogus')?.modelVersion ?? '';
    if (filter.minScore !== undefined) {
      where.push('ms.score >= ?');
      args.push(filter.minScore);
    }
    if (filter.maxScore !== undefined) {
      where.push('ms.score <= ?');
      args.push(filter.maxScore);
    }
    const rows = await sql.all<
      CandidateDbRow & {
        sx: number | null;
        sy: number | null;
        sra: number | null;
        sdec: number | null;
        ssnr: number | null;
        sflux: number | null;
        label: string | null;
        model_score: number | null;
      }
    >(
      `SELECT c.*, s.x AS sx, s.y AS sy, s.ra AS sra, s.dec AS sdec, s.snr AS ssnr, s.flux AS sflux, ${CURRENT_LABEL} AS label,
              ms.score AS model_score
         FROM candidates c LEFT JOIN sources s ON s.id = c.source_id
         LEFT JOIN model_scores ms ON ms.candidate_id = c.id AND ms.model_version = ?
        WHERE ${where.join(' AND ')} ORDER BY ${CANDIDATE_ORDER[filter.order ?? 'id']} LIMIT ?`,
      [version, ...args, limit],
    );
    return rows.map((r) => {
      const d = details(r);
      return {
        kind: 'candidate' as const,
        id: r.id,
        frameId: r.frame_id ?? 0,
        x: r.sx ?? Number(d.x ?? 0),
        y: r.sy ?? Number(d.y ?? 0),
        raDeg: r.sra ?? (typeof d.ra === 'number' ? d.ra : null),
        decDeg: r.sdec ?? (typeof d.dec === 'number' ? d.dec : null),
        // Transient candidates carry their measurements in their details (they have no row in `sources`).
        measurements: {
          kind: r.kind,
          score: r.score,
          snr: r.ssnr ?? num(d.snr),
          flux: r.sflux ?? num(d.flux),
          fluxErr: num(d.fluxErr),
          change: d.sign === 1 ? 'brighter' : d.sign === -1 ? 'fainter' : null,
          referenceFlux: num(d.referenceFlux),
          fwhmPx: num(d.fwhm),
          dipole: typeof d.dipole === 'boolean' ? String(d.dipole) : null,
        },
        label: r.label,
        modelScore: r.model_score,
      };
    });
  },

  'owb:curation.stamps': async ({ kind, id, sizePx }) => {
    let framePath: string;
    let x: number;
    let y: number;
    let extra: Record<string, unknown> = {};
    let frameId = 0;
    if (kind === 'detection') {
      const row = await services.sql.get<{ x: number; y: number; frame_id: number; path: string }>(
        'SELECT s.x, s.y, s.frame_id, f.path FROM sources s JOIN frames f ON f.id = s.frame_id WHERE s.id = ?',
        [id],
      );
      if (!row) throw new InputError('NOT_FOUND', `detection ${id} is not in the catalog`);
      ({ x, y, path: framePath, frame_id: frameId } = row);
    } else {
      const row = await services.sql.get<{
        details_json: string | null;
        x: number | null;
        y: number | null;
        path: string | null;
      }>(
        'SELECT c.details_json, s.x, s.y, f.path FROM candidates c LEFT JOIN sources s ON s.id = c.source_id LEFT JOIN frames f ON f.id = c.frame_id WHERE c.id = ?',
        [id],
      );
      if (!row) throw new InputError('NOT_FOUND', `candidate ${id} is not in the catalog`);
      extra = details(row);
      x = row.x ?? Number(extra.x ?? 0);
      y = row.y ?? Number(extra.y ?? 0);
      framePath = row.path ?? String(extra.sciencePath ?? '');
    }
    const science = await pixelsAt(services, framePath, x, y, sizePx);
    if (!science) throw new InputError('FRAME_UNREADABLE', `the frame of ${kind} ${id} cannot be read (${framePath})`);
    if (kind === 'detection') {
      // Detections have no stored reference: resample the same sky from an earlier frame for a quick look.
      const quick = await referenceStamps(services, frameId, await services.images.get(framePath), x, y, sizePx);
      return { sizePx, science, reference: quick?.reference ?? null, difference: quick?.difference ?? null };
    }
    return {
      sizePx,
      science,
      reference: await pixelsAt(services, extra.referencePath ?? extra.reference_path, x, y, sizePx),
      difference: await pixelsAt(services, extra.differencePath ?? extra.difference_path, x, y, sizePx),
    };
  },

  'owb:labels.set': async ({ targetKind, targetId, label }) => {
    const record = await services.sql.transaction(async (tx): Promise<LabelRecord> => {
      const candidateId = (await candidateFor(tx, targetKind, targetId, true)) as number;
      const previous = await currentLabel(tx, candidateId);
      const now = Date.now();
      const id = await tx.insert(
        'INSERT INTO labels (candidate_id, label, note, who, created_at) VALUES (?, ?, NULL, ?, ?)',
        [candidateId, label, who(), now],
      );
      return { id, targetKind, targetId, label, previous, createdAt: iso(now) ?? '' };
    });
    services.events.emit('owb:labels.changed', record);
    return record;
  },

  'owb:labels.undo': async () => {
    const record = await services.sql.transaction(async (tx): Promise<LabelRecord | null> => {
      const last = await tx.get<{ id: number; candidate_id: number; label: string }>(
        'SELECT id, candidate_id, label FROM labels WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1',
      );
      if (!last) return null;
      const now = Date.now();
      await tx.run('UPDATE labels SET undone_at = ? WHERE id = ?', [now, last.id]);
      const target = await targetOf(tx, last.candidate_id);
      return {
        id: last.id,
        targetKind: target.kind,
        targetId: target.id,
        label: await currentLabel(tx, last.candidate_id),
        previous: last.label,
        createdAt: iso(now) ?? '',
      };
    });
    if (record) services.events.emit('owb:labels.changed', record);
    return record;
  },

  'owb:labels.history': async ({ targetKind, targetId }) => {
    if (targetKind !== 'detection' && targetKind !== 'candidate')
      throw new InputError('BAD_PARAMETER', `'targetKind' must be detection or candidate`);
    const candidateId = await candidateFor(services.sql, targetKind, targetId, false);
    if (candidateId == null) return [];
    const rows = await services.sql.all<{ id: number; label: string; created_at: number; undone_at: number | null }>(
      'SELECT id, label, created_at, undone_at FROM labels WHERE candidate_id = ? ORDER BY id',
      [candidateId],
    );
    let previous: string | null = null;
    return rows.map((r) => {
      const rec: LabelRecord = {
        id: r.id,
        targetKind,
        targetId,
        label: r.undone_at == null ? r.label : null,
        previous,
        createdAt: iso(r.created_at) ?? '',
      };
      if (r.undone_at == null) previous = r.label;
      return rec;
    });
  },

  'owb:labels.exportCsv': async () => {
    const rows = await services.sql.all<Record<string, unknown>>(
      `SELECT c.id AS candidate_id, c.kind, c.source_id, COALESCE(s.frame_id, c.frame_id) AS frame_id, f.file_name,
                s.x, s.y, s.ra, s.dec, s.flux, s.snr, s.flags, l.label, l.who, l.created_at
           FROM labels l JOIN candidates c ON c.id = l.candidate_id
           LEFT JOIN sources s ON s.id = c.source_id
           LEFT JOIN frames f ON f.id = COALESCE(s.frame_id, c.frame_id)
          WHERE l.undone_at IS NULL
            AND l.id = (SELECT MAX(l2.id) FROM labels l2 WHERE l2.candidate_id = l.candidate_id AND l2.undone_at IS NULL)
          ORDER BY c.id`,
    );
    const columns = [
      'candidate_id',
      'kind',
      'source_id',
      'frame_id',
      'file_name',
      'x',
      'y',
      'ra',
      'dec',
      'flux',
      'snr',
      'flags',
      'label',
      'who',
      'created_at',
    ];
    const quote = (v: unknown): string => {
      if (v == null) return '';
      const s = String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [
      columns.join(','),
      ...rows.map((r) => columns.map((c) => quote(c === 'created_at' ? iso(r[c] as number) : r[c])).join(',')),
    ];
    return { fileName: 'labels.csv', mimeType: 'text/csv', text: `${lines.join('\n')}\n` };
  },
});
