/** An error a job keeps, with a string code (`FITS_TRUNCATED`, `NO_MASTERS`, …) and whether a retry could help. */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}
