import { query } from './support/database.js';
import { postJson } from './support/runs.js';
import { timedGet, useTestApp } from './support/test-app.js';

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - started;
}

async function committed(databaseUrl: string): Promise<number> {
  const rows = await query<{ n: number }>(databaseUrl, "SELECT max(tasks_processed)::int AS n FROM simulation_state WHERE kind = 'continuous'");
  return rows[0]?.n ?? 0;
}

describe('PostgreSQL taken away under a continuous run at full speed', () => {
  const sut = useTestApp('fault_db', { SIM_AUTOSTART: 'true', SIM_TICK_MS: '0', SIM_FLUSH_MS: '50', SIM_FLUSH_TASKS: '200' }, { proxy: true });

  it('turns unready, answers 503, stops committing, and carries on by itself when the database returns, losing and duplicating nothing', async () => {
    await until(async () => (await committed(sut.databaseUrl)) >= 1000, 30_000);

    await sut.proxy.cut();
    expect(await until(async () => (await timedGet(`${sut.url}/ready`)).status === 503, 2000)).toBeLessThan(2000);
    expect((await timedGet(`${sut.url}/health`)).status).toBe(200);
    const list = await timedGet(`${sut.url}/api/tasks`);
    expect(list.status).toBe(503);
    expect(list.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', requestId: expect.any(String) });
    // The run notices, stops stepping (its flush cannot commit) and retries with backoff.
    await until(async () => ((await timedGet(`${sut.url}/api/simulation/status`)).body as { stalled: string | null }).stalled !== null, 10_000);
    const frozenAt = await committed(sut.databaseUrl);
    const stepped = ((await timedGet(`${sut.url}/api/simulation/status`)).body as { tasksProcessed: number }).tasksProcessed;
    // With no commit possible, the in-memory run may get at most one flush ahead of the database.
    expect(stepped - frozenAt).toBeLessThanOrEqual(2 * 200 + 200);

    await sut.proxy.restore();
    await until(async () => (await timedGet(`${sut.url}/ready`)).status === 200, 10_000);
    await until(async () => (await committed(sut.databaseUrl)) > stepped + 500, 30_000);
    expect(((await timedGet(`${sut.url}/api/simulation/status`)).body as { stalled: string | null }).stalled).toBeNull();

    expect((await postJson(`${sut.url}/api/simulation/stop`, {})).status).toBe(200);
    const [run] = await query<{ id: number; tasks_processed: number }>(sut.databaseUrl, "SELECT id, tasks_processed FROM simulation_state WHERE kind = 'continuous'");
    const [counts] = await query<{ tasks: number; results: number; training: number }>(
      sut.databaseUrl,
      `SELECT (SELECT count(*)::int FROM tasks WHERE run_id = $1) AS tasks, (SELECT count(*)::int FROM scheduler_results WHERE run_id = $1) AS results,
              (SELECT count(*)::int FROM training_data WHERE run_id = $1) AS training`,
      [run.id],
    );
    expect(counts).toEqual({ tasks: run.tasks_processed, results: 7 * run.tasks_processed, training: run.tasks_processed });
    const uneven = await query(sut.databaseUrl, 'SELECT task_id FROM scheduler_results WHERE run_id = $1 GROUP BY task_id HAVING count(*) <> 7', [run.id]);
    expect(uneven).toEqual([]);
    const [span] = await query<{ min: number; max: number }>(sut.databaseUrl, 'SELECT min(task_id), max(task_id) FROM tasks WHERE run_id = $1', [run.id]);
    expect(span).toEqual({ min: 0, max: run.tasks_processed - 1 });
  }, 120_000);
});
