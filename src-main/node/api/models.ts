import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRun, ModelRunDetail, RetrainHint } from '../../common/models-dto.js';
import { activateRun, activeRun, activeRuns, findRun, listRuns, type RunRecord } from '../ml/run-store.js';
import type { HandlerGroup } from './handler-types.js';
import { ModelTraining } from './model-training.js';
import { iso } from './rows.js';
import type { WorkbenchServices } from './services.js';

type ModelKeys =
  | 'owb:models.runs'
  | 'owb:models.run'
  | 'owb:models.activate'
  | 'owb:models.retrainHint'
  | 'owb:models.scoreCandidates'
  | 'owb:models.train'
  | 'owb:models.training'
  | 'owb:models.cancelTraining';

const trainings = new WeakMap<WorkbenchServices, ModelTraining>();

/** The workspace's training run started from the view (made on first use; cancelled when it closes). */
function trainingOf(services: WorkbenchServices): ModelTraining {
  let t = trainings.get(services);
  if (!t) {
    const made = new ModelTraining(services.root, services.catalogPath);
    (services.atClose ??= []).push(() => made.cancel());
    trainings.set(services, made);
    t = made;
  }
  return t;
}

/** New accept/reject labels after which the curation view suggests retraining. */
export const RETRAIN_AFTER_LABELS = 50;

function runDto(r: RunRecord, active: Partial<Record<string, string>>): ModelRun {
  return {
    id: r.id,
    name: r.name,
    task: r.task,
    status: r.status,
    active: active[r.task] === r.id,
    createdAt: iso(r.createdMs) ?? '',
    endedAt: r.endedMs === undefined ? null : (iso(r.endedMs) ?? null),
    modelVersion: r.modelVersion ?? null,
    codeVersion: r.codeVersion,
    settings: { ...r.settings },
    dataset: r.dataset,
    input: r.input,
    epochs: r.epochs.map(({ timestampMs: _t, ...e }) => e),
    heldOut: r.heldOut ?? null,
  };
}

/**
 * The workspace's training runs (`owb train --workspace` of this workspace): the Models view reads what
 * the CLI recorded (run.json, heldout.json, ml/active.json) and activates runs as `owb runs activate` does.
 */
export const modelHandlers: HandlerGroup<ModelKeys> = (services: WorkbenchServices) => ({
  'owb:models.runs': () => {
    const active = activeRuns(services.root);
    return listRuns(services.root).map((r) => runDto(r, active));
  },

  'owb:models.run': ({ runId }) => {
    const run = findRun(services.root, runId);
    const file = join(run.dir, 'heldout.json');
    let roc: ModelRunDetail['roc'] = [];
    if (existsSync(file)) {
      const held = JSON.parse(readFileSync(file, 'utf8')) as { roc?: ModelRunDetail['roc'] };
      roc = (held.roc ?? []).map((p) => ({ fpr: p.fpr, tpr: p.tpr, threshold: p.threshold }));
    }
    return { ...runDto(run, activeRuns(services.root)), roc };
  },

  'owb:models.activate': ({ runId }) => {
    const run = findRun(services.root, runId);
    activateRun(services.root, run.id, run.task);
    return runDto(run, activeRuns(services.root));
  },

  'owb:models.retrainHint': ({ task }): RetrainHint => {
    const run = activeRun(services.root, task);
    if (task !== 'realbogus')
      // Lens models train on generated sets, not on the catalog's labels.
      return { task, active: run && activeDto(run), newLabels: 0, threshold: RETRAIN_AFTER_LABELS, suggest: false };
    const since = run ? (run.endedMs ?? run.createdMs) : 0;
    const row = services.db
      .prepare(
        `SELECT count(*) AS n FROM labels l JOIN candidates c ON c.id = l.candidate_id
          WHERE c.kind = 'transient' AND l.undone_at IS NULL AND l.label IN ('accept', 'reject') AND l.created_at > ?`,
      )
      .get(since) as { n: number };
    return {
      task,
      active: run && activeDto(run),
      newLabels: row.n,
      threshold: RETRAIN_AFTER_LABELS,
      suggest: row.n >= RETRAIN_AFTER_LABELS,
    };
  },

  'owb:models.scoreCandidates': async () => {
    const { loadModel, scoreCatalog } = await import('../ml/score-run.js');
    const { defaultThreads } = await import('../ml/ml-threads.js');
    const model = loadModel(services.root, undefined, 'realbogus');
    const r = await scoreCatalog(services.db, model, Math.min(2, defaultThreads()));
    return { modelVersion: model.version, scored: r.scored, skipped: r.skipped };
  },

  'owb:models.train': ({ task, epochs, name }) => trainingOf(services).start(task, epochs, name),
  'owb:models.training': () => trainingOf(services).current(),
  'owb:models.cancelTraining': () => trainingOf(services).cancel(),
});

function activeDto(run: RunRecord): RetrainHint['active'] {
  return {
    id: run.id,
    name: run.name,
    modelVersion: run.modelVersion ?? null,
    trainedAt: iso(run.endedMs ?? run.createdMs) ?? '',
  };
}
