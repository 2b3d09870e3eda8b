import { createDatabase, dropDatabase, query } from './support/database.js';
import { until } from './support/progress.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Status {
  tasks_processed: number;
  metrics: Record<string, { avg_time: number | null; total_energy: number; total_cost: number; wins: number; tasks: number }>;
}

(HAS_REDIS_SERVER ? describe : describe.skip)('GET /api/status on a replica that does not run the continuous run', () => {
  let redis: RedisServer;
  let databaseUrl: string;
  // A runs the continuous run; B, on the same database and Redis, only serves.
  let a: TestApp;
  let b: TestApp;
  const status = async (app: TestApp) => (await (await fetch(`${app.url}/api/status`)).json()) as Status;

  beforeAll(async () => {
    redis = await RedisServer.start();
    databaseUrl = await createDatabase('legacy_replicas');
    a = await startTestApp(databaseUrl, { SIM_TICK_MS: '5', SIM_FLUSH_MS: '50', REDIS_URL: redis.url, SIM_AUTOSTART: 'true' });
    b = await startTestApp(databaseUrl, { REDIS_URL: redis.url, SIM_AUTOSTART: 'false', SIM_RESUME: 'false' });
  }, 60_000);

  afterAll(async () => {
    try {
      await b?.close();
      await a?.close();
    } finally {
      await redis?.stop();
      if (databaseUrl) await dropDatabase(databaseUrl);
    }
  });

  it("reports every strategy's metrics from the run's stored aggregates", async () => {
    await until(async () => (await status(a)).tasks_processed >= 100, 30_000, '100 tasks');
    expect((await fetch(`${a.url}/api/pause`, { method: 'POST' })).status).toBe(200);
    const stored = async () => query<{ scheduler_name: string; tasks: number; wins: number }>(databaseUrl, 'SELECT scheduler_name, tasks, wins FROM strategy_aggregates ORDER BY scheduler_name');
    // Paused: the aggregates stop moving once the last flush is in, and B's answer follows them.
    let last: Status | undefined;
    await until(
      async () => {
        last = await status(b);
        const rows = await stored();
        return rows.length === 7 && rows.every((r) => last?.metrics[r.scheduler_name]?.tasks === r.tasks && last.metrics[r.scheduler_name].wins === r.wins);
      },
      30_000,
      "B's metrics equal to the stored aggregates",
    );

    expect(Object.keys(last?.metrics ?? {})).toHaveLength(7);
    expect(Object.values(last?.metrics ?? {}).every((m) => m.tasks >= 100 && typeof m.avg_time === 'number')).toBe(true);
  }, 60_000);
});
