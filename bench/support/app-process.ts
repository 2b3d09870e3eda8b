// Starts the built service (dist/main.js) as a child process for the benchmarks, on a scratch
// database of its own: DATABASE_URL's server when set, else an embedded PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../test/support/ports.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the server of DATABASE_URL, or on an embedded cluster in .data/pg-bench. */
export async function scratchDatabase(name: string): Promise<ScratchDatabase> {
  let server = process.env.DATABASE_URL;
  let stopEmbedded = async () => undefined as void;
  if (!server) {
    type Embedded = { startEmbeddedPostgres(dir: string, port: number): Promise<{ url: string; stop(): Promise<void> }> };
    const embedded = (await import(path.join(ROOT, 'dist/database/embedded-postgres.js'))) as Embedded;
    const db = await embedded.startEmbeddedPostgres(path.join(ROOT, '.data/pg-bench'), 15435);
    server = db.url;
    stopEmbedded = db.stop;
  }
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const database = `${name}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
      await stopEmbedded();
    },
  };
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The built service on a free port against `databaseUrl`, once /ready answers 200. `dist` is the
 * build to start (another checkout's, to compare builds); `label` names it in errors.
 */
export async function startApp(databaseUrl: string, env: Record<string, string> = {}, build: { dist?: string; label?: string } = {}): Promise<AppProcess> {
  const dist = build.dist ?? path.join(ROOT, 'dist');
  const label = build.label ?? 'the service';
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(dist, 'main.js')], {
    cwd: path.dirname(dist),
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', SIM_AUTOSTART: 'false', ...env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`);
    if ((await fetch(`${url}/ready`).catch(() => undefined))?.status === 200) {
      return {
        url,
        child,
        stop: async () => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${label} did not become ready`);
}

/** Polls a run until it completes; returns the wall time from `since`. */
export async function waitForRun(url: string, id: number, since: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${url}/api/simulation/runs/${id}`);
    // A refused poll (the rate limit) would stretch the measured time: the bench must raise the limit.
    if (!res.ok) throw new Error(`GET run ${id}: ${res.status} ${await res.text()}`);
    const run = (await res.json()) as { status: string; error?: string };
    if (run.status === 'completed') return performance.now() - since;
    if (run.status === 'failed') throw new Error(`run ${id} failed: ${run.error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
