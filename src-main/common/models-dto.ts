/** Data shapes of the Models view's calls of the IPC contract (training runs, the active model per task). */

export type ModelTask = 'realbogus' | 'lens';

/** One epoch of a run: training loss and validation metrics. */
export interface ModelEpoch {
  epoch: number;
  loss: number;
  valLoss: number;
  valAuc: number;
  valAccuracy: number;
  seconds: number;
}

/** Held-out metrics of a finished run; `tprAtFpr1` = 1 − reals missed at a 1 % false-positive rate. */
export interface ModelHeldOut {
  count: number;
  auc: number;
  accuracy: number;
  loss: number;
  tprAtFpr1: number;
  confusion: { threshold: number; tp: number; fp: number; tn: number; fn: number };
}

/** A training run as the runs table shows it (from its run.json). */
export interface ModelRun {
  id: string;
  name: string;
  task: ModelTask;
  status: 'running' | 'interrupted' | 'finished';
  active: boolean;
  createdAt: string;
  endedAt: string | null;
  modelVersion: string | null;
  codeVersion: string;
  settings: Record<string, number | boolean>;
  dataset: { dir: string; hash: string; layout: string; counts: Record<string, number>; split: Record<string, number> };
  input: { channels: number; height: number; width: number };
  epochs: ModelEpoch[];
  heldOut: ModelHeldOut | null;
}

/** A run with its held-out ROC curve (from heldout.json; empty until the run finished). */
export interface ModelRunDetail extends ModelRun {
  roc: Array<{ fpr: number; tpr: number; threshold: number }>;
}

/** Whether the curators' labels since the active model was trained call for retraining. */
export interface RetrainHint {
  task: ModelTask;
  /** The active run, or null when the task has none. */
  active: { id: string; name: string; modelVersion: string | null; trainedAt: string } | null;
  /** accept/reject labels on transient candidates made after the active model finished (all, without one). */
  newLabels: number;
  /** The count from which retraining is suggested. */
  threshold: number;
  suggest: boolean;
}

/** What "score candidates" did: the active model's new scores stored in the catalog. */
export interface ScoreCandidatesResult {
  modelVersion: string;
  scored: number;
  /** Candidates whose frames could not be read. */
  skipped: number;
}

/** A training run started from the Models view (one at a time per workspace), as the view polls it. */
export interface TrainingStatus {
  state: 'idle' | 'running' | 'finished' | 'cancelled' | 'failed';
  task: ModelTask | null;
  /** The run's name (its folder under the workspace's `ml/runs/`). */
  runName: string | null;
  epochs: number;
  /** What is being done: 'reading stamps', 'epoch 2/5', … */
  stage: string;
  done: number;
  total: number;
  /** Seconds left at the rate so far, for the whole run (null until it can be told). */
  secondsLeft: number | null;
  startedAt: string | null;
  /** Why it failed, or what it finished with. */
  message: string | null;
}
