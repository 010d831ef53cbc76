import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

export const command: CliCommand = {
  name: 'runs',
  summary: 'list training runs with their metrics, compare them, and mark one model active per task',
  usage: `
Usage: owb runs [--json] [--task T] [--workspace DIR]
       owb runs activate RUN --task realbogus|lens [--workspace DIR]

Lists the workspace's training runs (owb train), oldest first: task, status, epochs, held-out AUC,
accuracy and TPR at 1 % FPR, dataset hash and counts; '*' marks the active model of its task.
'activate' makes RUN (its id, an id prefix of 6+ characters, its name or its folder) the model that
'owb score' uses by default for the task. The runs are also in WORKSPACE/mlruns for 'mlflow ui'.
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('runs', argv, {
      json: { type: 'boolean' },
      task: { type: 'string' },
      workspace: { type: 'string' },
    });
    const { activateRun, activeRuns, listRuns, workspaceDir } = await import('../../node/ml/run-store.js');
    const { isTask } = await import('../../node/ml/dataset.js');
    const workspace = workspaceDir(args.values.workspace);
    const task = args.values.task;
    if (task !== undefined && !isTask(task))
      throw new UsageError(`runs: --task must be realbogus or lens, got '${task}'`);
    const [sub, ref, ...rest] = args.positionals;
    if (sub === 'activate') {
      if (!ref || rest.length) throw new UsageError('runs activate: give exactly one RUN');
      if (!task) throw new UsageError('runs activate: --task realbogus|lens is required');
      const run = activateRun(workspace, ref, task);
      ctx.stdout.write(`${run.name} (${run.id}) is now the active ${task} model\n`);
      return 0;
    }
    if (sub !== undefined) throw new UsageError(`runs: unknown subcommand '${sub}' (try 'owb runs --help')`);
    const active = activeRuns(workspace);
    const runs = listRuns(workspace).filter((r) => !task || r.task === task);
    if (args.values.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          runs.map((r) => ({ ...r, active: active[r.task] === r.id })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (runs.length === 0) {
      ctx.stdout.write(`no training runs in ${workspace}\n`);
      return 0;
    }
    const f = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(4));
    const rows = [
      ['', 'run', 'id', 'task', 'status', 'epochs', 'test AUC', 'accuracy', 'TPR@1%FPR', 'dataset', 'counts'],
    ];
    for (const r of runs)
      rows.push([
        active[r.task] === r.id ? '*' : '',
        r.name,
        r.id.slice(0, 8),
        r.task,
        r.status,
        `${r.epochs.length}/${r.settings.epochs}`,
        f(r.heldOut?.auc),
        f(r.heldOut?.accuracy),
        f(r.heldOut?.tprAtFpr1),
        r.dataset.hash.slice(0, 12),
        Object.entries(r.dataset.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      ]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    for (const row of rows)
      ctx.stdout.write(
        `${row
          .map((cell, c) => cell.padEnd(widths[c]))
          .join('  ')
          .trimEnd()}\n`,
      );
    return 0;
  },
};
