import { join } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import type { ModelTask, TrainingStatus } from '../../common/models-dto.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Settings of a run started from the view: those of `owb train` but the epochs [batch 32, lr 1e-3, seed 1]. */
const SETTINGS = { batchSize: 32, chunkSize: 8, learningRate: 1e-3, seed: 1, augment: true };

/**
 * The one training run a workspace's Models view may start (`owb:models.train`): `owb train --task
 * realbogus --db CATALOG --out WORKSPACE/ml/runs/NAME` run in this process, its gradients and predictions on
 * two worker threads (so this thread, which serves the UI, only sums and steps), with progress and
 * time left for the view to poll, and cancel (the checkpoint stays, as after Ctrl-C in the CLI).
 */
export class ModelTraining {
  private status: TrainingStatus = {
    state: 'idle',
    task: null,
    runName: null,
    epochs: 0,
    stage: '',
    done: 0,
    total: 0,
    secondsLeft: null,
    startedAt: null,
    message: null,
  };
  private abort: AbortController | null = null;
  /** The run in progress, for tests and close. */
  running: Promise<void> | null = null;

  constructor(
    private readonly workspace: string,
    private readonly catalogPath: string,
  ) {}

  current(): TrainingStatus {
    return { ...this.status };
  }

  start(task: ModelTask, epochs: number, name?: string): TrainingStatus {
    if (this.status.state === 'running')
      throw new InputError('TRAINING_RUNNING', `run ${this.status.runName} is still training; cancel it first`);
    if (task !== 'realbogus')
      throw new InputError(
        'TRAINING_TASK',
        `${task} models train on generated sets, not on the catalog's labels: owb train --task ${task} --data DIR --out RUN`,
      );
    const runName = name ?? `rb-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 19)}`;
    // A name, never a path: the run stays inside the workspace.
    if (!NAME.test(runName))
      throw new InputError(
        'TRAINING_NAME',
        `'name' must be 1–64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got '${runName}'`,
      );
    const outDir = join(this.workspace, 'ml', 'runs', runName);
    const abort = new AbortController();
    this.abort = abort;
    const started = Date.now();
    this.status = {
      state: 'running',
      task,
      runName,
      epochs,
      stage: 'starting',
      done: 0,
      total: 0,
      secondsLeft: null,
      startedAt: new Date(started).toISOString(),
      message: null,
    };
    // Rate from the first batch seen (a resumed run starts past 0); `done`/`total` count the whole run.
    let first: { done: number; ms: number } | null = null;
    const onProgress = (done: number, total: number, stage: string): void => {
      const s = this.status;
      s.stage = stage;
      s.done = done;
      s.total = total;
      if (!/^epoch \d+\/\d+$/.test(stage) || total <= 0) return;
      const now = Date.now();
      first ??= { done, ms: now };
      const rate = (done - first.done) / ((now - first.ms) / 1000);
      s.secondsLeft = done > first.done && rate > 0 ? Math.round((total - done) / rate) : null;
    };
    this.running = (async () => {
      try {
        const { runTraining } = await import('../ml/train-run.js');
        const record = await runTraining({
          task,
          dataDir: this.catalogPath,
          dbPath: this.catalogPath,
          outDir,
          workspace: this.workspace,
          settings: { ...SETTINGS, epochs },
          threads: 2,
          signal: abort.signal,
          onProgress,
        });
        this.status.state = 'finished';
        this.status.secondsLeft = 0;
        this.status.message = `held-out AUC ${record.heldOut?.auc.toFixed(4) ?? '—'}`;
      } catch (error) {
        const cancelled = abort.signal.aborted;
        this.status.state = cancelled ? 'cancelled' : 'failed';
        this.status.secondsLeft = null;
        this.status.message = cancelled
          ? `cancelled; owb train --resume --task ${task} --db ${this.catalogPath} --out ${outDir} finishes it`
          : error instanceof Error
            ? error.message
            : String(error);
      } finally {
        if (this.abort === abort) this.abort = null;
      }
    })();
    return this.current();
  }

  cancel(): TrainingStatus {
    this.abort?.abort();
    return this.current();
  }
}
