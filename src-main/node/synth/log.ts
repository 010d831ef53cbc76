import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

/** Python logging's names (the established generator's `--log-level`) → ours. */
const ALIASES: Record<string, LogLevel> = { warning: 'warn', critical: 'error', fatal: 'error' };

/**
 * A `--log-level` value in any case: ours (`error`, `warn`, `info`, `debug`) or Python logging's
 * (`DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`); `undefined` when it is neither.
 */
export function parseLogLevel(text: string): LogLevel | undefined {
  const name = text.trim().toLowerCase();
  return name in RANK ? (name as LogLevel) : ALIASES[name];
}

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/**
 * A line logger: messages at or above `level` go to `stream` (stderr) and, when given, to `file` with an
 * ISO time stamp and the level. The file always receives `info` and above whatever the console level is
 * unless `level` is `debug`, so a log of a long run is complete. The file's folder is created when missing.
 */
export function createLogger(options: { level: LogLevel; stream?: NodeJS.WritableStream; file?: string }): Logger {
  if (options.file) makeDirs(dirname(options.file));
  const consoleRank = RANK[options.level];
  const fileRank = Math.max(consoleRank, RANK.info);
  const write = (level: LogLevel, message: string): void => {
    if (RANK[level] <= consoleRank && options.stream)
      options.stream.write(`${level === 'info' ? '' : `${level}: `}${message}\n`);
    if (options.file && RANK[level] <= fileRank)
      appendFileSync(options.file, `${new Date().toISOString()} ${level.toUpperCase()} ${message}\n`);
  };
  return {
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
  };
}

/** A logger that drops everything (library use, tests). */
export const silentLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
