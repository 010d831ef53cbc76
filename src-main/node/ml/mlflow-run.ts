import type { MlflowRun } from './mlflow-store.js';
import type { RunRecord } from './run-store.js';

/** A run record as MLflow sees it: parameters, per-epoch and held-out metrics, tags, artefacts. */
export function mlflowRecord(r: RunRecord, artifacts: string[]): MlflowRun {
  const metrics: MlflowRun['metrics'] = { loss: [], val_loss: [], val_auc: [], val_accuracy: [], epoch_seconds: [] };
  for (const e of r.epochs) {
    const at = (value: number): { timestampMs: number; value: number; step: number } => ({
      timestampMs: e.timestampMs,
      value,
      step: e.epoch,
    });
    metrics.loss.push(at(e.loss));
    metrics.val_loss.push(at(e.valLoss));
    metrics.val_auc.push(at(e.valAuc));
    metrics.val_accuracy.push(at(e.valAccuracy));
    metrics.epoch_seconds.push(at(e.seconds));
  }
  if (r.heldOut) {
    const t = r.endedMs ?? Date.now();
    const step = r.epochs.length;
    const h = r.heldOut;
    for (const [key, value] of Object.entries({
      test_auc: h.auc,
      test_accuracy: h.accuracy,
      test_loss: h.loss,
      test_tpr_at_fpr_1pct: h.tprAtFpr1,
      test_tp: h.confusion.tp,
      test_fp: h.confusion.fp,
      test_tn: h.confusion.tn,
      test_fn: h.confusion.fn,
    }))
      metrics[key] = [{ timestampMs: t, value, step }];
  }
  const s = r.settings;
  return {
    runId: r.id,
    runName: r.name,
    experimentName: `owb-${r.task}`,
    startMs: r.createdMs,
    endMs: r.endedMs,
    status: r.status === 'finished' ? 'FINISHED' : r.status === 'interrupted' ? 'KILLED' : 'RUNNING',
    params: {
      task: r.task,
      epochs: s.epochs,
      batch_size: s.batchSize,
      learning_rate: s.learningRate,
      seed: s.seed,
      augment: s.augment,
      threads: s.threads,
      input_shape: `${r.input.channels}x${r.input.height}x${r.input.width}`,
      dataset_hash: r.dataset.hash,
      dataset_layout: r.dataset.layout,
      ...Object.fromEntries(Object.entries(r.dataset.counts).map(([k, v]) => [`count_${k}`, v])),
      ...Object.fromEntries(Object.entries(r.dataset.split).map(([k, v]) => [`split_${k}`, v])),
    },
    metrics,
    tags: {
      'mlflow.source.name': 'owb train',
      'mlflow.source.type': 'LOCAL',
      'mlflow.user': 'owb',
      'owb.code_version': r.codeVersion,
      'owb.dataset_dir': r.dataset.dir,
      ...(r.modelVersion ? { 'owb.model_version': r.modelVersion } : {}),
    },
    artifacts,
  };
}
