#!/usr/bin/env node
import { InputError } from '../../src-workers/core/errors.js';
import { UsageError } from './cli-errors.js';
import { errorMessage, isUserFileError } from '../common/file-errors.js';
import type { CliContext } from './command.js';
import { commandLoaders } from './registry.js';
import { VERSION } from './version.js';

/**
 * The `owb` entry point. Exit codes: 0 success, 2 bad input or usage (one `owb:` line on stderr),
 * 1 internal error (stack trace only with --verbose).
 */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  // `--timings` anywhere: stage timings on stderr (issue 24), the same switch as OWB_PROFILE=1. Not
  // `--profile`, which watch, process and batch take for their YAML processing profile.
  if (argv.includes('--timings')) process.env.OWB_PROFILE = '1';
  const args = argv.filter((a) => a !== '--verbose' && a !== '--timings');
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
    verbose,
  };
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await printHelp(ctx);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    ctx.stdout.write(`owb ${VERSION}\n`);
    return 0;
  }
  const loader = commandLoaders[name];
  if (!loader) {
    ctx.stderr.write(`owb: unknown command '${name}' (try 'owb --help')\n`);
    return 2;
  }
  try {
    const { command } = await loader();
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout.write(`${command.usage.trim()}\n`);
      return 0;
    }
    return (await command.run(rest, ctx)) ?? 0;
  } catch (error) {
    return reportError(error, ctx);
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  const userMistake = error instanceof UsageError || error instanceof InputError || isUserFileError(error);
  const message = errorMessage(error);
  ctx.stderr.write(`owb: ${message}\n`);
  if (ctx.verbose && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return userMistake ? 2 : 1;
}

async function printHelp(ctx: CliContext): Promise<void> {
  const lines = [`owb ${VERSION} — Observatory Workbench command line`, '', 'Usage: owb COMMAND [options]', ''];
  for (const name of Object.keys(commandLoaders).sort()) {
    try {
      const { command } = await commandLoaders[name]();
      lines.push(`  ${name.padEnd(12)} ${command.summary}`);
    } catch {
      lines.push(`  ${name}`);
    }
  }
  lines.push(
    '',
    "Run 'owb COMMAND --help' for a command's options. Add --verbose for stack traces, --timings (or\nOWB_PROFILE=1) for stage timings on stderr.",
  );
  ctx.stdout.write(`${lines.join('\n')}\n`);
}

const invokedDirectly = process.argv[1] && /main\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`owb: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
