import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { freePort } from './support/ports.js';
import { until } from './support/progress.js';
import { postJson, type RunView } from './support/runs.js';

// initdb is slow: the cluster of this suite is kept between its runs (git-ignored, like the app's own .data/pg).
const DATA_DIR = path.join(ROOT, '.data/pg-embedded-e2e');
const BATCH_TASKS = 200_000;

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** Log lines at error level or above (the service logs JSON; a start-up failure prints plain text to stderr). */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /"level":"(error|fatal)"/.test(line) || /run \d+ failed/.test(line));
}

describe('the embedded PostgreSQL (no DATABASE_URL)', () => {
  let cwd: string;
  let app: ChildApp | undefined;

  beforeEach(() => {
    // A scratch working directory: no .env of the project is read.
    cwd = mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-e2e-'));
  });

  afterEach(() => {
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    app = undefined;
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses to start, naming the port, when something else answers on EMBEDDED_PG_PORT', async () => {
    const occupant = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    const pgPort = (occupant.address() as net.AddressInfo).port;
    try {
      app = spawnApp({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(pgPort), EMBEDDED_PG_DIR: 'pg' }, { cwd });
      const code = await app.exited;

      expect(code).not.toBe(0);
      const said = app.output().split('\n').filter((line) => line.includes(String(pgPort)) && line.includes('EMBEDDED_PG_PORT'));
      expect(said).toHaveLength(1);
      // It stopped before making a cluster of its own.
      expect(existsSync(path.join(cwd, 'pg', 'PG_VERSION'))).toBe(false);
    } finally {
      await new Promise((resolve) => occupant.close(resolve));
    }
  }, 120_000);

  it('on Ctrl-C (SIGINT to the process group) drains first, exits 0, logs no error and fails no run; the run resumes at the next start', async () => {
    const env = async (resume: boolean) => ({
      PORT: String(await freePort()),
      EMBEDDED_PG_DIR: DATA_DIR,
      EMBEDDED_PG_PORT: String(await freePort()),
      SIM_RESUME: String(resume),
      SIM_TICK_MS: '0',
    });
    // In a process group of its own, as `npm start` is in a terminal.
    const first = await env(false);
    app = spawnApp(first, { cwd, detached: true });
    const base = `http://127.0.0.1:${first.PORT}`;
    await waitFor200(`${base}/ready`, app, 240_000);
    // The cluster is kept between runs of this suite: start from an empty history.
    expect((await fetch(`${base}/api/history`, { method: 'DELETE' })).status).toBe(200);
    expect((await postJson(`${base}/api/simulation/start`, {})).status).toBe(200);
    const created = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: BATCH_TASKS, seed: 5 });
    expect(created.status).toBe(202);
    const id = created.body.id as number;
    // Both runs are writing when the signal comes.
    await until(async () => (await json<RunView>(`${base}/api/simulation/runs/${id}`)).tasksProcessed >= 2000, 120_000, 'batch progress', 50);

    process.kill(-(app.child.pid as number), 'SIGINT');
    const code = await app.exited;

    expect(errorLines(app.output())).toEqual([]);
    expect(code).toBe(0);

    const second = await env(true);
    app = spawnApp(second, { cwd });
    const again = `http://127.0.0.1:${second.PORT}`;
    await waitFor200(`${again}/ready`, app, 120_000);
    const run = await json<RunView>(`${again}/api/simulation/runs/${id}`);
    expect(run.status).not.toBe('failed');
    expect(run.error ?? null).toBeNull();
    const { items } = await json<{ items: RunView[] }>(`${again}/api/simulation/runs`);
    expect(items.filter((r) => r.status === 'failed')).toEqual([]);
    await until(async () => (await json<RunView>(`${again}/api/simulation/runs/${id}`)).tasksProcessed > run.tasksProcessed, 60_000, 'the run resuming', 50);

    expect((await fetch(`${again}/api/history`, { method: 'DELETE' })).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(errorLines(app.output())).toEqual([]);
  }, 600_000);
});
