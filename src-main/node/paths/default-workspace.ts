import { homedir } from 'node:os';
import { isAbsolute, join, posix, win32 } from 'node:path';

/** The folder name under the platform's per-user data folder. */
export const APP_DATA_FOLDER = 'observatory-workbench';

export interface DefaultWorkspaceInput {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The per-user workspace that `owb serve` and the desktop app open when no `--workspace` is given
 * (issue 25, "newcomer defaults"): never the working directory, so a catalog is not left wherever the
 * command happened to run.
 *
 * - `OWB_WORKSPACE`, when set, wins (the desktop app has always read it);
 * - Linux and other Unixes: `$XDG_DATA_HOME/observatory-workbench/workspace`, or
 *   `~/.local/share/observatory-workbench/workspace` when XDG_DATA_HOME is unset or not absolute
 *   (the XDG Base Directory Specification says a relative value is to be ignored);
 * - macOS: `~/Library/Application Support/observatory-workbench/workspace`;
 * - Windows: `%LOCALAPPDATA%\observatory-workbench\workspace` (a catalog can grow large, and Local is
 *   the non-roaming place Microsoft names for such data), else `~\AppData\Local\…`.
 */
export function defaultWorkspaceDir(input: DefaultWorkspaceInput = {}): string {
  const env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const home = input.home ?? env.HOME ?? homedir();
  if (env.OWB_WORKSPACE) return env.OWB_WORKSPACE;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA && win32.isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : undefined;
    return win32.join(local ?? win32.join(env.USERPROFILE ?? home, 'AppData', 'Local'), APP_DATA_FOLDER, 'workspace');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DATA_FOLDER, 'workspace');
  const xdg = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(xdg, APP_DATA_FOLDER, 'workspace');
}
