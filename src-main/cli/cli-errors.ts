/** Errors the CLI maps to exit code 2 with a one-line `owb: …` message and no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
