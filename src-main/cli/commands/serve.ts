import { UsageError } from '../cli-errors.js';
import {
  CatalogLocationError,
  parseCatalogLocation,
  workspaceCatalog,
  type CatalogLocation,
} from '../../node/catalog/catalog-location.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { VERSION } from '../version.js';
import { openWorkspace, type WorkbenchServices } from '../../node/api/services.js';
import { defaultWorkspaceDir } from '../../node/paths/default-workspace.js';
import { ensureRendererBuilt, rendererDir, startServer } from '../../node/serve/index.js';
import { parseMetricsWindows } from '../../node/serve/metrics.js';

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve the workbench UI and API to a browser on 127.0.0.1 (token-protected)',
  usage: `
Usage: owb serve [--workspace DIR] [--db CATALOG] [--port P]

Serves the workbench (the same UI and typed API as the desktop app) over HTTP and WebSocket on
127.0.0.1 only. Prints http://127.0.0.1:PORT/?token=TOKEN on a line of its own: open it in a browser.
Every request needs the token except /health and /ready (200, or 503 naming the failing checks:
database writable, workers alive, watcher running, disk space); /metrics needs it too. Requests whose
Host or Origin is not this loopback address are refused (DNS-rebinding guard).

Options:
  --workspace DIR   workspace folder holding catalog.db (created when missing) [$OWB_WORKSPACE, else
                    the per-user default, printed at start: $XDG_DATA_HOME/observatory-workbench/workspace
                    (~/.local/share/… without XDG_DATA_HOME); macOS ~/Library/Application Support/…;
                    Windows %LOCALAPPDATA%\\observatory-workbench\\workspace]
  --db CATALOG      the catalog: a SQLite file, file:PATH or postgres://… (PostgreSQL + Q3C, migrated
                    with 'owb db migrate'; frames, sources, objects, cone search, light curves and
                    curation read and write it) [$OWB_DB, else the workspace.json 'catalog', else
                    DIR/catalog.db]
  --port P          TCP port; 0 picks a free one [0]
  --metrics-windows W  windows of the /metrics job rate and latency, e.g. 5m,1h,24h [1h]
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'serve',
      argv,
      {
        workspace: { type: 'string' },
        db: { type: 'string' },
        port: { type: 'string' },
        'metrics-windows': { type: 'string' },
      },
      false,
    );
    const port = numberOption('port', values.port, 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be an integer in [0, 65535], got ${values.port}`);
    const built = ensureRendererBuilt();
    if (built) ctx.stderr.write(`owb serve: ${built}\n`);
    // Never the working directory: a catalog.db would be left wherever the command happened to run.
    const workspace = values.workspace ?? defaultWorkspaceDir();
    if (values.workspace === undefined)
      ctx.stderr.write(`owb serve: no --workspace given; using the default workspace ${workspace}\n`);
    const location = serveCatalog(values.db, workspace);
    const services = await openServices(workspace, location);
    if (location?.kind === 'postgres')
      ctx.stderr.write(
        `owb serve: catalog ${services.catalogPath} (PostgreSQL: watched folders, pipelines, exports, models ` +
          `and ensemble light curves need a SQLite catalog)\n`,
      );
    else await attachOptionalServices(services, ctx.stderr);
    const metricsWindowsSec =
      values['metrics-windows'] === undefined ? undefined : parseMetricsWindows(values['metrics-windows']);
    const server = await startServer({ services, port, staticDir: rendererDir(), metricsWindowsSec });
    ctx.stderr.write(`owb serve: workspace ${services.root}\n`);
    // The handlers go in before the URL is printed: the URL line says "ready", and a supervisor (or a
    // test) that stops us as soon as it reads it must get the clean shutdown, not the default SIGTERM.
    const stopped = new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(async () => {
          await (services.watch as { close?: () => Promise<void> } | null)?.close?.();
          services.close();
          resolve();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    ctx.stdout.write(`${server.url}\n`);
    await stopped;
    return 0;
  },
};

/**
 * The catalog to serve: `--db`, else `$OWB_DB`, else the `catalog` of the workspace's `workspace.json`;
 * undefined for the workspace's own `catalog.db`. A bad value exits 2.
 */
function serveCatalog(raw: string | undefined, workspace: string): CatalogLocation | undefined {
  const text = raw ?? (process.env.OWB_DB || undefined);
  try {
    return text === undefined ? workspaceCatalog(workspace) : parseCatalogLocation(text);
  } catch (error) {
    if (error instanceof CatalogLocationError)
      throw new UsageError(`serve: ${text === undefined ? '' : '--db '}${error.message}`);
    throw error;
  }
}

async function openServices(workspace: string, location: CatalogLocation | undefined): Promise<WorkbenchServices> {
  if (location?.kind !== 'postgres') return openWorkspace(workspace, { version: VERSION, catalogPath: location?.path });
  // Loaded only here: a SQLite workspace does not pay for the PostgreSQL client.
  const { openPostgresWorkspace } = await import('../../node/api/services-postgres.js');
  const { PostgresCatalogError } = await import('../../node/catalog/postgres/connection.js');
  try {
    return await openPostgresWorkspace(workspace, location.url, { version: VERSION });
  } catch (error) {
    // Unreachable, not migrated, another schema version: the user fixes these.
    if (error instanceof PostgresCatalogError) throw new UsageError(`serve: --db ${error.message}`);
    throw error;
  }
}

/** Wires the watcher and synth services when their modules are present in this build. */
async function attachOptionalServices(
  services: ReturnType<typeof openWorkspace>,
  stderr: NodeJS.WriteStream,
): Promise<void> {
  try {
    const { WorkspaceWatchPort } = await import('../../node/api/watch-port.js');
    services.watch = new WorkspaceWatchPort(services.root, services.db, 1);
  } catch (error) {
    stderr.write(`owb serve: watched folders unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  try {
    const { createSynthPort } = await import('../../node/api/synth-port.js');
    services.synth = createSynthPort();
  } catch (error) {
    stderr.write(
      `owb serve: dataset generator unavailable: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
