import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';

/**
 * The one path policy for every path that comes from the UI, IPC, the HTTP/WebSocket API or a profile
 * (issue 25): such a path is resolved against the workspace (never the process's working directory), and
 * refused when it leads outside the workspace once symbolic links are resolved. Paths a user types on the
 * `owb` command line are the user's own and do not go through here, except where a command says so.
 *
 * Error codes: `OUTSIDE_WORKSPACE` (the path leads out of the workspace), `BAD_PATH` (empty, a NUL or
 * control character), `BAD_PROFILE_NAME`, `NOT_OURS` (a folder holding files the workbench did not make).
 */

/** The workspace folder itself with every symbolic link resolved (the folder must exist). */
export function workspaceRealRoot(root: string): string {
  return realpathSync(resolve(root));
}

/** True when `path` is `root` or below it (both absolute and already resolved). */
export function isInsideFolder(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * `path` with symbolic links resolved as far as it exists: the longest existing prefix goes through
 * `realpath`, the rest (folders a run will create) is appended as written. So a link anywhere along the
 * path, the last component included, counts where it points.
 */
export function realPathSoFar(path: string): string {
  const abs = resolve(path);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(head);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // A link to nothing (ENOENT on a name that exists as a link) must not be appended as if it were a
      // plain new name: a write would follow it out of the workspace.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      if (isDanglingLink(head)) {
        throw new InputError('OUTSIDE_WORKSPACE', `${abs}: ${head} is a symbolic link to nothing`);
      }
      const parent = dirname(head);
      if (parent === head) return abs;
      tail.push(basename(head));
      head = parent;
    }
  }
}

/** True when `path` itself is a symbolic link (realpath failed on it, so it points at nothing). */
function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Options of `workspacePath`. */
export interface WorkspacePathOptions {
  /** What the path is, for messages (`outDir`, `Injection.frames_dir`, `watched folder`). */
  what: string;
}

/**
 * Resolves a path given by the UI, the API or a profile against the workspace `root` and returns it
 * absolute, with symbolic links resolved. Throws `OUTSIDE_WORKSPACE` when it leads out of `root` (`../`,
 * an absolute path elsewhere, a link that points out), `BAD_PATH` when it is empty or holds a NUL or
 * control character. The path is taken literally: `%2e%2e` is a folder of that name, not `..`.
 */
export function workspacePath(root: string, input: string, options: WorkspacePathOptions): string {
  const { what } = options;
  if (typeof input !== 'string' || input.trim() === '') throw new InputError('BAD_PATH', `${what}: the path is empty`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input))
    throw new InputError('BAD_PATH', `${what} ${JSON.stringify(input)}: the path holds a control character`);
  const realRoot = workspaceRealRoot(root);
  const wanted = resolve(realRoot, input);
  const real = realPathSoFar(wanted);
  if (!isInsideFolder(realRoot, real)) {
    throw new InputError(
      'OUTSIDE_WORKSPACE',
      `${what} ${input}: outside the workspace ${realRoot}${real !== wanted ? ` (it leads to ${real})` : ''}`,
    );
  }
  return real;
}

/** Names a profile may have: letters, digits, `.`, `_` and `-`, not starting with a dot. */
const PROFILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * The YAML file of the profile `name` in `root/profiles/` (`name.yaml` or `name.yml`), or undefined when
 * there is none. Throws `BAD_PROFILE_NAME` for a name with a slash, `..` or other characters, and
 * `OUTSIDE_WORKSPACE` when the file is a link that points out of `root/profiles`.
 */
export function profileFile(root: string, name: string): string | undefined {
  if (!PROFILE_NAME.test(name) || name.includes('..'))
    throw new InputError('BAD_PROFILE_NAME', `profile name '${name}': only letters, digits, '.', '_' and '-'`);
  const dir = join(workspaceRealRoot(root), 'profiles');
  const path = ['.yaml', '.yml'].map((e) => join(dir, name + e)).find((p) => existsSync(p));
  if (!path) return undefined;
  const real = realpathSync(path);
  if (!isInsideFolder(realpathSync(dir), real))
    throw new InputError('OUTSIDE_WORKSPACE', `profile '${name}': ${path} leads out of ${dir} (to ${real})`);
  return real;
}

/** The file `owb synth` writes into every dataset folder it makes, naming itself as the tool. */
const DATASET_MARK = 'config_snapshot.json';

/** True when `dir` holds a dataset (or the start of one) that the workbench made. */
export function isOurDataset(dir: string): boolean {
  const mark = join(dir, DATASET_MARK);
  if (!existsSync(mark)) return false;
  try {
    return (JSON.parse(readFileSync(mark, 'utf8')) as { tool?: unknown }).tool === 'owb synth';
  } catch {
    return false;
  }
}

/**
 * Refuses to generate into `dir` when it holds anything and is not a dataset of ours: a run there would
 * delete the user's `*.tmp` files and overwrite their `train.csv`. A missing or empty folder is fine.
 */
export function assertDatasetFolderIsOurs(dir: string, what = 'outDir'): void {
  // A file there is left to the run, which fails on it with `exists and is not a folder`, untouched.
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new InputError('NOT_OURS', `${what} ${dir}: not a folder that can be read`);
  }
  if (entries.length > 0 && !isOurDataset(dir)) {
    throw new InputError(
      'NOT_OURS',
      `${what} ${dir}: the folder holds files the workbench did not make (no ${DATASET_MARK}); choose an empty or new folder`,
    );
  }
}
