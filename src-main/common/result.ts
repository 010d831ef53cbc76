/** What crosses every process, worker and IPC boundary: a value or a coded error, never a thrown object. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: string, message: string): Result<never> => ({ ok: false, error: { code, message } });
