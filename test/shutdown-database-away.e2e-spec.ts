import { spawnApp, waitFor200 } from './support/child-app.js';
import { query } from './support/database.js';
import { freePort } from './support/ports.js';
import { until } from './support/progress.js';
import { restartSuite } from './support/restart-suite.js';
import { postJson } from './support/runs.js';
import { TcpProxy } from './support/tcp-proxy.js';

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

describe('a shutdown while PostgreSQL is away', () => {
  const suite = restartSuite('shutdown_db_away');
  let proxy: TcpProxy | undefined;

  afterAll(async () => {
    await proxy?.cut();
  });

  it('exits 0 without an error in the log and leaves its runs to resume, not failed', async () => {
    const { base, progress } = suite;
    const target = new URL(suite.databaseUrl);
    proxy = await TcpProxy.start(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(suite.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const app = (suite.app = spawnApp({ DATABASE_URL: viaProxy.toString(), PORT: String(suite.port), SIM_AUTOSTART: 'true', SIM_TICK_MS: '0' }));
    await waitFor200(`${base}/ready`, app, 30_000);
    const created = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: 200_000, seed: 3 });
    expect(created.status).toBe(202);
    const batch = created.body.id as number;
    await until(async () => (await progress.committed(batch)) >= 1000, 60_000, 'batch progress');

    // The database goes away; both runs stall and retry their writes.
    await proxy.cut();
    await until(async () => (await json<{ stalled: string | null }>(`${base}/api/simulation/status`)).stalled !== null, 30_000, 'the continuous run stalling', 50);
    app.child.kill('SIGTERM');
    const code = await app.exited;

    const errors = app.output().split('\n').filter((line) => /"level":"(error|fatal)"/.test(line));
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    const failed = await query(suite.databaseUrl, "SELECT id, status, error FROM simulation_state WHERE status = 'failed' OR error IS NOT NULL");
    expect(failed).toEqual([]);
  }, 180_000);
});
