import { UsageError } from '../cli-errors.js';
import { sqliteOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

export const command: CliCommand = {
  name: 'score',
  summary: "score stamps or the catalog's transient candidates with a trained classifier",
  usage: `
Usage: owb score --data DIR [--model RUN | --task T] [--out scores.csv]
       owb score --db CATALOG [--model RUN] [--out scores.csv]

--data: every FITS or PNG stamp under DIR (any layout), which must have the model's input shape.
--db: the catalog's transient candidates not yet scored by this model version; their science,
reference and difference stamps are cut from the frames recorded with them, and the scores stored
in the catalog's model_scores table with the model version (run id:epochs).
The CSV has the columns file,score (with --db: candidate_id,score); score is the probability of real
(or lens). Without --out it goes to stdout.

Options:
  --model RUN       run id, id prefix, name or folder   [the active model of --task; realbogus with --db]
  --task T          realbogus | lens, to pick the active model
  --threads N       inference threads   [cores, at most 8]
  --workspace DIR   workspace of the runs   [OWB_WORKSPACE, else the per-user workspace]
`,
  async run(argv, ctx) {
    const { values: v } = parseCommandArgs(
      'score',
      argv,
      {
        data: { type: 'string' },
        db: { type: 'string' },
        model: { type: 'string' },
        task: { type: 'string' },
        out: { type: 'string' },
        threads: { type: 'string' },
        workspace: { type: 'string' },
      },
      false,
    );
    const dbPath = sqliteOption('score', v.db);
    if ((v.data === undefined) === (dbPath === undefined))
      throw new UsageError('score: give either --data DIR or --db CATALOG');
    const { isTask } = await import('../../node/ml/dataset.js');
    if (v.task !== undefined && !isTask(v.task))
      throw new UsageError(`score: --task must be realbogus or lens, got '${v.task}'`);
    const { defaultThreads } = await import('../../node/ml/ml-threads.js');
    const threads = numberOption('threads', v.threads, defaultThreads());
    if (!Number.isInteger(threads) || threads < 1 || threads > 64)
      throw new UsageError(`--threads must be an integer in [1, 64], got '${v.threads}'`);
    const { workspaceDir } = await import('../../node/ml/run-store.js');
    const { loadModel, scoreCatalog, scoreFolder } = await import('../../node/ml/score-run.js');
    const workspace = workspaceDir(v.workspace);
    const task = v.task && isTask(v.task) ? v.task : dbPath ? 'realbogus' : undefined;
    const model = loadModel(workspace, v.model, task);
    let csv: string;
    let summary: string;
    if (v.data !== undefined) {
      const { files, scores } = await scoreFolder(v.data, model, threads);
      csv = `file,score\n${files.map((f, i) => `${csvField(f)},${scores[i].toPrecision(6)}`).join('\n')}\n`;
      summary = `${files.length} stamps scored by ${model.run.name} (${model.version})`;
    } else {
      const { openDatabase } = await import('../../node/catalog/index.js');
      const db = openDatabase(dbPath!);
      try {
        const r = await scoreCatalog(db, model, threads);
        csv = `candidate_id,score\n${r.rows.map((row) => `${row.id},${row.score.toPrecision(6)}`).join('\n')}${r.rows.length ? '\n' : ''}`;
        summary =
          `${r.scored} candidates scored by ${model.run.name} (${model.version}) and stored` +
          (r.skipped ? `; ${r.skipped} skipped (images unreadable)` : '');
      } finally {
        db.close();
      }
    }
    if (v.out) {
      const { writeFileAtomic } = await import('../../../src-workers/io/atomic-write.js');
      await writeFileAtomic(v.out, csv);
      ctx.stdout.write(`${summary}; scores in ${v.out}\n`);
    } else {
      ctx.stdout.write(csv);
      ctx.stderr.write(`${summary}\n`);
    }
    return 0;
  },
};

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
