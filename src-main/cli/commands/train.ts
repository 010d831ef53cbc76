import { UsageError } from '../cli-errors.js';
import { sqliteOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';

export const command: CliCommand = {
  name: 'train',
  summary: 'train a real/bogus or lens classifier (small CNN, CPU threads) with experiment tracking',
  usage: `
Usage: owb train --task realbogus|lens --data DIR --out RUN [options]
       owb train --task realbogus --db CATALOG --out RUN [--stamp N] [options]

DIR holds one folder per class: real/ and bogus/ (FITS cubes of 3 planes: science, reference,
difference, all the same size, at least 22×22, e.g. 63×63), or lens/ and nonlens/ (PNG or FITS);
owb synth's own layout (train/ and test/ with class folders; test/ is then the held-out set) and
its injection layout (stamps/real, stamps/bogus) are read as they are. Splits are seeded and stratified
(70 % train, 10 % validation, 20 % held out); training flips and rotates stamps by multiples of 90°.
RUN gets run.json, model.json, checkpoint.json (after every epoch) and heldout.json; the run is also
written to WORKSPACE/mlruns (MLflow file store) and listed by 'owb runs'. Ctrl-C saves a checkpoint
(exit 130); --resume continues it to the result an uninterrupted run would have given.
--db trains on the catalog's curated transient candidates: accept is real, reject is bogus (class
labels are not used); their science, reference and difference stamps are cut from the frames
recorded with them, as the curation view shows them. The dataset hash covers the labels and pixels.

Options:
  --epochs N        epochs   [10]
  --seed S          seed of the split, the initial weights and the augmentation   [1]
  --batch N         samples per step   [32]
  --lr X            Adam learning rate   [0.001]
  --no-augment      no flips or rotations
  --stamp N         with --db: stamp side in pixels, odd, at least 23   [63]
  --threads N       training threads (the result does not depend on it)   [cores, at most 8]
  --resume          continue the run in RUN from its checkpoint (--epochs may raise the total)
  --workspace DIR   workspace for the run index and mlruns/   [OWB_WORKSPACE, else the per-user workspace]
  --json            print the run record as JSON
`,
  async run(argv, ctx) {
    const { values: v } = parseCommandArgs(
      'train',
      argv,
      {
        task: { type: 'string' },
        data: { type: 'string' },
        db: { type: 'string' },
        stamp: { type: 'string' },
        out: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        'no-augment': { type: 'boolean' },
        threads: { type: 'string' },
        resume: { type: 'boolean' },
        workspace: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const { isTask } = await import('../../node/ml/dataset.js');
    if (!v.task || !isTask(v.task))
      throw new UsageError(`train: --task must be realbogus or lens, got '${v.task ?? ''}'`);
    if (v.data !== undefined && v.db !== undefined)
      throw new UsageError('train: give either --data DIR or --db CATALOG');
    const dbPath = v.data === undefined ? sqliteOption('train', v.db) : undefined;
    if (v.data === undefined && dbPath === undefined)
      throw new UsageError('train: --data DIR or --db CATALOG is required');
    if (dbPath !== undefined && v.task !== 'realbogus')
      throw new UsageError('train: --db trains on curated transient candidates: give --task realbogus');
    if (v.stamp !== undefined && dbPath === undefined) throw new UsageError('train: --stamp applies to --db only');
    if (!v.out) throw new UsageError('train: --out RUN is required');
    const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
      const n = numberOption(name, raw, fallback);
      if (!Number.isInteger(n) || n < min || n > max)
        throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${raw}'`);
      return n;
    };
    const { defaultThreads } = await import('../../node/ml/ml-threads.js');
    const lr = numberOption('lr', v.lr, 1e-3);
    if (!(lr > 0 && lr < 1)) throw new UsageError(`--lr must be in (0, 1), got '${v.lr}'`);
    const settings = {
      epochs: int('epochs', v.epochs, 10, 1, 10000),
      batchSize: int('batch', v.batch, 32, 1, 4096),
      chunkSize: 8,
      learningRate: lr,
      seed: int('seed', v.seed, 1, 0, 2 ** 32 - 1),
      augment: v['no-augment'] !== true,
    };
    const stampPx = int('stamp', v.stamp, 63, 23, 255);
    if (stampPx % 2 === 0)
      throw new UsageError(`--stamp must be odd (the candidate at the centre pixel), got '${v.stamp}'`);
    const threads = int('threads', v.threads, defaultThreads(), 1, 64);
    const { workspaceDir } = await import('../../node/ml/run-store.js');
    const { runTraining } = await import('../../node/ml/train-run.js');
    const { CancelledError } = await import('../../../src-workers/core/errors.js');
    const progress = createProgress(ctx.stderr, ctx.interactive, 'train');
    const stop = new AbortController();
    const onInterrupt = (): void => {
      if (stop.signal.aborted) process.exit(130);
      ctx.stderr.write('\nowb: stopping after this batch and saving a checkpoint (Ctrl-C again to quit at once)\n');
      stop.abort();
    };
    process.on('SIGINT', onInterrupt);
    try {
      const record = await runTraining({
        task: v.task,
        dataDir: v.data ?? dbPath!,
        dbPath,
        stampPx,
        outDir: v.out,
        workspace: workspaceDir(v.workspace),
        settings,
        threads,
        resume: v.resume === true,
        signal: stop.signal,
        onProgress: (done, total, label) => progress.update(done, total, label),
        onLog: (line) => {
          progress.finish();
          ctx.stderr.write(`${line}\n`);
        },
      });
      progress.finish();
      if (v.json) ctx.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      else {
        const h = record.heldOut!;
        ctx.stdout.write(
          `run ${record.name} (${record.id}) finished: held-out AUC ${h.auc.toFixed(4)}, accuracy ${h.accuracy.toFixed(4)}, ` +
            `TPR at 1 % FPR ${h.tprAtFpr1.toFixed(4)} on ${h.count} stamps\n` +
            `confusion at 0.5: TP ${h.confusion.tp} FP ${h.confusion.fp} TN ${h.confusion.tn} FN ${h.confusion.fn}\n`,
        );
      }
      return 0;
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
      progress.finish();
      ctx.stderr.write(`owb: training stopped; checkpoint saved in ${v.out} (continue with --resume)\n`);
      return 130;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  },
};
