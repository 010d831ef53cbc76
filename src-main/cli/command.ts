import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-errors.js';

/** What every subcommand module under `commands/` exports as `command`. */
export interface CliCommand {
  readonly name: string;
  /** One line for `owb --help`. */
  readonly summary: string;
  /** The full usage text for `owb NAME --help`. */
  readonly usage: string;
  /** Returns the exit code (0 when omitted). Throw `UsageError` or core's `InputError` for bad input. */
  run(argv: string[], ctx: CliContext): Promise<number | void>;
}

export interface CliContext {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** True when stdout is a terminal: progress bars and colour only then. */
  readonly interactive: boolean;
  readonly verbose: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;
export type ParsedArgs<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>
>;

/** `node:util` parseArgs with strict checking, whose complaints become `UsageError`s naming the command. */
export function parseCommandArgs<const T extends Options>(
  name: string,
  argv: string[],
  options: T,
  allowPositionals = true,
): ParsedArgs<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${name}: ${message}`);
  }
}

/** Parses a numeric option, naming it when it is not a finite number. */
export function numberOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  return value;
}

/** Parses `A,B` into two numbers (e.g. `--annulus 6,10`). */
export function pairOption(name: string, raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => Number(s));
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v))) {
    throw new UsageError(`--${name} must be two numbers separated by a comma, got '${raw}'`);
  }
  return [parts[0], parts[1]];
}
