/**
 * Node's file-system errors, said the way a user needs them: the path they gave first, then what is wrong
 * with it in plain words (`nope.yaml: no such file or folder`), instead of
 * `ENOENT: no such file or directory, open 'nope.yaml'`.
 */

interface NodeFileError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

/** What each code means for the path it names. `syscall` decides where one code means two things. */
const PROBLEMS: Record<string, (syscall: string | undefined) => string> = {
  ENOENT: () => 'no such file or folder',
  EACCES: () => 'permission denied',
  EPERM: () => 'operation not permitted',
  EISDIR: () => 'is a folder, where a file is needed',
  ENOTDIR: (syscall) =>
    syscall === 'scandir' || syscall === 'opendir' ? 'is not a folder' : 'a part of this path is not a folder',
  // mkdir of a path that is a file is the common way to meet EEXIST: `--out` naming an existing file.
  EEXIST: (syscall) => (syscall === 'mkdir' ? 'exists and is not a folder' : 'already exists'),
  ENOSPC: () => 'no space left on the device',
  EROFS: () => 'the file system is read-only',
  EMFILE: () => 'too many open files',
  ENAMETOOLONG: () => 'name too long',
  ELOOP: () => 'too many symbolic links',
};

/** True for the file-system errors a user's own paths cause (their mistake, exit code 2). */
export function isUserFileError(error: unknown): error is NodeFileError {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in PROBLEMS && code !== 'EMFILE';
}

/**
 * The plain message for a Node file-system error that names its path, or `undefined` for any other error
 * (a read on an open file names none: its own message is then all there is).
 */
export function describeFileError(error: unknown): string | undefined {
  const e = error as Partial<NodeFileError> | null;
  if (typeof e?.code !== 'string' || !(e.code in PROBLEMS) || typeof e.path !== 'string') return undefined;
  const problem = PROBLEMS[e.code](e.syscall);
  // A rename or copy fails on either end; Node names both, and the message names the one at fault.
  const where = typeof e.dest === 'string' && e.code === 'EEXIST' ? e.dest : e.path;
  return `${where}: ${problem}`;
}

/** What to tell the user of any error: a file-system error in plain words, else the error's own message. */
export function errorMessage(error: unknown): string {
  return describeFileError(error) ?? (error instanceof Error ? error.message : String(error));
}
