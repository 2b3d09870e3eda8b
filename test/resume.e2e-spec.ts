import { spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { createDatabase, dropDatabase, query } from './support/database.js';
import { freePort } from './support/ports.js';
import { postJson, rowCounts, storedResults, waitForRun } from './support/runs.js';

const TASKS = 20_000;

async function committed(databaseUrl: string, runId: number): Promise<number> {
  const [row] = await query<{ tasks_processed: number }>(databaseUrl, 'SELECT tasks_processed FROM simulation_state WHERE id = $1', [runId]);
  return row?.tasks_processed ?? 0;
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every column of a table that the run determines, in a canonical order. */
function storedRows(databaseUrl: string, table: string, columns: string, runId: number, order: string) {
  return query(databaseUrl, `SELECT ${columns} FROM ${table} WHERE run_id = $1 ORDER BY ${order}`, [runId]);
}

describe('crash safety', () => {
  let databaseUrl: string;
  let port: number;
  let app: ChildApp | undefined;
  // Checkpoints by time as well (every second): they fall between window and retrain boundaries,
  // with fits in flight, and the resumed run must still equal an uninterrupted one.
  const env = () => ({ DATABASE_URL: databaseUrl, PORT: String(port), SIM_TICK_MS: '0', SIM_FLUSH_TASKS: '500', SIM_CHECKPOINT_MS: '1000' });

  beforeAll(async () => {
    databaseUrl = await createDatabase('resume');
    port = await freePort();
  });

  afterAll(async () => {
    app?.child.kill('SIGKILL');
    await dropDatabase(databaseUrl);
  });

  it('resumes every running run after kill -9 from its last committed task, equal to an uninterrupted run, without duplicates', async () => {
    const base = `http://127.0.0.1:${port}`;
    app = spawnApp(env());
    await waitFor200(`${base}/ready`, app, 30_000);
    expect((await postJson(`${base}/api/simulation/start`, {})).status).toBe(200);
    const created = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: 13 });
    const interrupted = created.body.id as number;

    // Kill in the middle of the batch, with rows committed and more buffered.
    await pollUntil(async () => (await committed(databaseUrl, interrupted)) >= TASKS / 4, 60_000);
    app.child.kill('SIGKILL');
    await app.exited;
    const before = await committed(databaseUrl, interrupted);
    expect(before).toBeLessThan(TASKS);
    const [continuous] = await query<{ id: number; tasks_processed: number }>(databaseUrl, "SELECT id, tasks_processed FROM simulation_state WHERE kind = 'continuous'");

    app = spawnApp(env());
    await waitFor200(`${base}/ready`, app, 30_000);
    const resumed = await waitForRun(base, interrupted, 120_000);
    expect(resumed.tasksProcessed).toBe(TASKS);

    // The continuous run carried on from where it was, too.
    await pollUntil(async () => (await committed(databaseUrl, continuous.id)) > continuous.tasks_processed, 10_000);
    const status = await (await fetch(`${base}/api/simulation/status`)).json();
    expect(status).toMatchObject({ runId: continuous.id, isRunning: true });
    await postJson(`${base}/api/simulation/stop`, {});
    const c = await rowCounts(databaseUrl, continuous.id);
    const cProcessed = await committed(databaseUrl, continuous.id);
    expect(c.tasks).toBe(cProcessed);
    expect(c.training).toBe(cProcessed);
    expect(c.results).toBe(7 * cProcessed);
    const cAggregates = await query<{ through_task: number; tasks: number }>(databaseUrl, 'SELECT through_task, tasks FROM strategy_aggregates WHERE run_id = $1', [continuous.id]);
    expect(cAggregates).toEqual(Array(7).fill({ through_task: cProcessed, tasks: cProcessed }));

    const again = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: 13 });
    await waitForRun(base, again.body.id, 120_000);

    expect(await rowCounts(databaseUrl, interrupted)).toEqual(await rowCounts(databaseUrl, again.body.id));
    expect((await rowCounts(databaseUrl, interrupted)).results).toBe(7 * TASKS);
    expect(await storedResults(databaseUrl, interrupted)).toEqual(await storedResults(databaseUrl, again.body.id));
    const windows = 'scheduler_name, window_start, window_end, total_tasks, total_time, min_time, max_time, total_energy, total_cost, wins, losses, stats';
    expect(await storedRows(databaseUrl, 'metrics', windows, interrupted, 'scheduler_name, window_start')).toEqual(
      await storedRows(databaseUrl, 'metrics', windows, again.body.id, 'scheduler_name, window_start'),
    );
    // Every window carries its statistics, including the one in progress at each checkpoint.
    const windowStats = await query<{ stats: { count: number } | null }>(databaseUrl, 'SELECT stats FROM metrics WHERE run_id = $1', [interrupted]);
    expect(windowStats.length).toBeGreaterThan(0);
    expect(windowStats.every((w) => w.stats !== null && w.stats.count > 0)).toBe(true);
    // The running aggregates too: written as snapshots, a replayed flush counted nothing twice.
    const aggregates = 'scheduler_name, through_task, tasks, sum_completion, sum_exec, sum_wait, sum_energy, sum_cost, sum_regret, wins, losses, state';
    const interruptedAggregates = await storedRows(databaseUrl, 'strategy_aggregates', aggregates, interrupted, 'scheduler_name');
    expect(interruptedAggregates).toHaveLength(7);
    expect(interruptedAggregates.every((a) => (a as { tasks: number }).tasks === TASKS)).toBe(true);
    expect(interruptedAggregates).toEqual(await storedRows(databaseUrl, 'strategy_aggregates', aggregates, again.body.id, 'scheduler_name'));
    const models = 'version, trained_at_task, samples, r2, mae, model';
    expect(await storedRows(databaseUrl, 'model_versions', models, interrupted, 'version')).toEqual(
      await storedRows(databaseUrl, 'model_versions', models, again.body.id, 'version'),
    );
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 300_000);
});
