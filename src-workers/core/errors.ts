/**
 * Typed errors thrown at the edge of `core` (STYLE.md: errors at the edge, flags inside).
 *
 * `InputError` means the caller gave us something unusable (a malformed file, an out-of-range
 * parameter); the CLI maps it to exit code 2 and prints only its message. Anything else that
 * escapes is an internal error (exit 1).
 */
export class InputError extends Error {
  /** Stable machine-readable code carried across IPC and worker boundaries, e.g. `FITS_TRUNCATED`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'InputError';
    this.code = code;
  }
}

/** Thrown by long computations that observe an `AbortSignal`-like flag and stop early. */
export class CancelledError extends Error {
  readonly code = 'CANCELLED';

  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A cancellation probe that pure code can poll without depending on DOM or Node types. */
export interface CancelToken {
  readonly cancelled: boolean;
}

/** Throws `CancelledError` when `token` says so; cheap enough to call once per row. */
export function throwIfCancelled(token: CancelToken | undefined): void {
  if (token?.cancelled) throw new CancelledError();
}

/** Validates a numeric parameter, naming it in the message, e.g. `'radiusPx' must be a positive finite number`. */
export function requirePositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError('BAD_PARAMETER', `'${name}' must be a positive finite number, got ${String(value)}`);
  }
  return value;
}

/** Validates that `value` lies in [min, max], naming the parameter in the message. */
export function requireInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InputError('BAD_PARAMETER', `'${name}' must be in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
