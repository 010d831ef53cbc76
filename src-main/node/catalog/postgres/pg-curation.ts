import type pg from 'pg';
import type { Catalog, CandidateRow, LabelRow } from '../catalog.js';
import { inTransaction } from './connection.js';

type Page = { limit?: number; offset?: number };

const LABEL_COLUMNS = `id, candidate_id AS "candidateId", label, note, who, created_at AS "createdAt", undone_at AS "undoneAt"`;
const CANDIDATE_COLUMNS = `c.id, c.kind, c.object_id AS "objectId", c.frame_id AS "frameId", c.source_id AS "sourceId", c.score,
  c.created_at AS "createdAt", l.label, l.note AS "labelNote"`;
/** A candidate's current label: its newest one not undone. */
const CURRENT_LABEL = `l.id = (SELECT max(id) FROM labels WHERE candidate_id = c.id AND undone_at IS NULL)`;

/**
 * Curation on a PostgreSQL catalog, the rows and semantics of the SQLite `Catalog`'s: the candidate queue
 * with current labels, labels added and undone (history kept), labels exported, and the masters and live
 * stacks tables listed. Many curators may label at once: an undo locks the candidate's labels, so two undos
 * of one candidate undo two labels, never the same one twice.
 */
export class PgCuration {
  constructor(private readonly pool: pg.Pool) {}

  async listMasters(): Promise<ReturnType<Catalog['listMasters']>> {
    const { rows } = await this.pool.query(
      `SELECT id, kind, filter, exposure_sec AS "exposureSec", width, height, path, input_count AS "inputCount", status,
              built_at AS "builtAt" FROM masters ORDER BY kind, filter, exposure_sec, id`,
    );
    return rows as ReturnType<Catalog['listMasters']>;
  }

  async listStacks(): Promise<ReturnType<Catalog['listStacks']>> {
    const { rows } = await this.pool.query(
      `SELECT id, profile, filter, width, height, path, frame_count AS "frameCount", reference_frame_id AS "referenceFrameId",
              updated_at AS "updatedAt" FROM stacks ORDER BY id`,
    );
    return rows as ReturnType<Catalog['listStacks']>;
  }

  /** The curation queue, best score first (no score last), ties by id; `unlabelled` keeps those without a label. */
  async listCandidates(options: Page & { unlabelled?: boolean; kind?: string } = {}): Promise<CandidateRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.kind) where.push(`c.kind = $${args.push(options.kind)}`);
    if (options.unlabelled) where.push('l.id IS NULL');
    const limit = `$${args.push(options.limit ?? null)}`;
    const offset = `$${args.push(options.offset ?? 0)}`;
    const { rows } = await this.pool.query<CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM candidates c LEFT JOIN labels l ON ${CURRENT_LABEL}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.score DESC NULLS LAST, c.id LIMIT ${limit}::bigint OFFSET ${offset}::bigint`,
      args,
    );
    return rows;
  }

  /** Records a label (the previous one stays in the history). Returns the label row id. */
  async addLabel(candidateId: number, label: string, options: { note?: string; who?: string } = {}): Promise<number> {
    if (!label.trim()) throw new RangeError("'label' must not be empty");
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO labels (candidate_id, label, note, who, created_at)
       SELECT id, $2, $3, $4, $5 FROM candidates WHERE id = $1 RETURNING id`,
      [candidateId, label, options.note ?? null, options.who ?? 'unknown', Date.now()],
    );
    if (!rows[0]) throw new RangeError(`no candidate ${candidateId}`);
    return rows[0].id;
  }

  /** Undoes the current label of a candidate (the one before it becomes current): the undone row, or undefined. */
  async undoLabel(candidateId: number): Promise<LabelRow | undefined> {
    return inTransaction(this.pool, async (c) => {
      // The candidate's row lock orders undos of one candidate: the second sees the first's result.
      await c.query('SELECT id FROM candidates WHERE id = $1 FOR UPDATE', [candidateId]);
      const current = await c.query<{ id: number }>(
        `SELECT id FROM labels WHERE candidate_id = $1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1`,
        [candidateId],
      );
      if (!current.rows[0]) return undefined;
      const { rows } = await c.query<LabelRow>(
        `UPDATE labels SET undone_at = $1 WHERE id = $2 RETURNING ${LABEL_COLUMNS}`,
        [Date.now(), current.rows[0].id],
      );
      return rows[0];
    });
  }

  async labelHistory(candidateId: number): Promise<LabelRow[]> {
    const { rows } = await this.pool.query<LabelRow>(
      `SELECT ${LABEL_COLUMNS} FROM labels WHERE candidate_id = $1 ORDER BY id`,
      [candidateId],
    );
    return rows;
  }

  /** Current labels of every labelled candidate, for export. */
  async exportLabels(): Promise<Array<CandidateRow & { who: string; labelledAt: number }>> {
    const { rows } = await this.pool.query<CandidateRow & { who: string; labelledAt: number }>(
      `SELECT ${CANDIDATE_COLUMNS}, l.who, l.created_at AS "labelledAt"
         FROM candidates c JOIN labels l ON ${CURRENT_LABEL} ORDER BY c.id`,
    );
    return rows;
  }
}
