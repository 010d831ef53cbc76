import { isAbsolute, relative } from 'node:path';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import { createDemoWorkspace } from '../../node/demo/create-demo-workspace.js';

export const command: CliCommand = {
  name: 'demo',
  summary: 'create a demo workspace (bundled real frames + a simulated night) and process it',
  usage: `
Usage: owb demo [DIR] [--no-process]

Creates DIR (default ./demo-workspace) with the bundled real frames under frames/real/, a seeded
simulated night (bias, darks, flats, six drifting V lights with a transient) under frames/night-…/,
truth catalogs of the simulated lights under truth/, then ingests and processes every frame into
DIR/catalog.db and prints what it found. Running it again reuses what is there.
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('demo', argv, { 'no-process': { type: 'boolean' } });
    const dir = positionals[0] ?? 'demo-workspace';
    const progress = createProgress(ctx.stderr, ctx.interactive, 'demo');
    const workspace = await createDemoWorkspace(dir, (done, total, label) => progress.update(done, total, label));
    progress.finish();
    const rel = relative(process.cwd(), workspace.dir);
    const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? workspace.dir : rel;
    ctx.stdout.write(
      `Demo workspace ${shown}: ${workspace.realFrames.length} real frames, ${workspace.simulatedFrames.length} simulated frames\n`,
    );
    if (values['no-process']) return 0;
    const { processDemoWorkspace } = await import('../../node/demo/process-demo-workspace.js');
    const summary = await processDemoWorkspace(workspace, {
      interactive: ctx.interactive,
      onStatus: (line) => progress.update(line.done, line.total, line.label),
    });
    progress.finish();
    ctx.stdout.write(`${summary}\n`);
    return 0;
  },
};
