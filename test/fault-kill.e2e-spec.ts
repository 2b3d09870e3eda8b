import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { query } from './support/database.js';
import { until } from './support/progress.js';
import { restartSuite } from './support/restart-suite.js';
import { postJson, rowCounts, storedResults, waitForRun } from './support/runs.js';

const TASKS = 24_000;
const SEED = 37;
const KILLS = 20;
// Where the kills fall is itself seeded: the same 20 points on every run of this suite.
const KILL_POINTS_SEED = 20_240_601;

/** KILLS distinct committed-progress thresholds across the run, ascending. */
function killPoints(): number[] {
  const rng = xoroshiro128plus(KILL_POINTS_SEED);
  const points = new Set<number>();
  while (points.size < KILLS) points.add(uniformInt(rng, 100, TASKS - 100));
  return [...points].sort((a, b) => a - b);
}

/** Every column of a table that the run determines, in a canonical order. */
function storedRows(databaseUrl: string, table: string, columns: string, runId: number, order: string) {
  return query(databaseUrl, `SELECT ${columns} FROM ${table} WHERE run_id = $1 ORDER BY ${order}`, [runId]);
}

describe('kill -9 at 20 seeded random points of a batch run', () => {
  const suite = restartSuite('fault_kill');
  // Small flushes give many commit points; checkpoints fall on window and retrain boundaries.
  const env = () => ({
    DATABASE_URL: suite.databaseUrl,
    PORT: String(suite.port),
    SIM_FLUSH_TASKS: '200',
    SIM_CHECKPOINT_TASKS: '1000',
    SIM_BATCH_RETRAIN_INTERVAL: '1000',
  });

  it('restarts after each kill and ends with the stored results, windows and models of an uninterrupted run, without duplicates', async () => {
    const { databaseUrl, base, progress } = suite;
    const start = () => (suite.app = spawnApp(env()));
    const points = killPoints();
    expect(points).toHaveLength(KILLS);
    let app: ChildApp;
    let run: number | undefined;
    let last = 0;
    for (const point of points) {
      app = start();
      await waitFor200(`${base}/ready`, app, 30_000);
      if (run === undefined) {
        const created = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: SEED });
        expect(created.status).toBe(202);
        run = created.body.id as number;
      }
      const id = run;
      await until(async () => (await progress.committed(id)) >= point, 60_000, `committed progress ${point}`, 5);
      app.child.kill('SIGKILL');
      await app.exited;
      const committed = await progress.committed(id);
      // Committed progress never goes back, and the kill came before the end.
      expect(committed).toBeGreaterThanOrEqual(last);
      expect(committed).toBeLessThan(TASKS);
      last = committed;
    }

    app = start();
    await waitFor200(`${base}/ready`, app, 30_000);
    const interrupted = run as number;
    expect((await waitForRun(base, interrupted, 120_000)).tasksProcessed).toBe(TASKS);
    const again = (await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: SEED })).body.id as number;
    await waitForRun(base, again, 120_000);

    expect(await rowCounts(databaseUrl, interrupted)).toEqual(await rowCounts(databaseUrl, again));
    expect((await rowCounts(databaseUrl, interrupted)).results).toBe(7 * TASKS);
    const duplicates = await query(
      databaseUrl,
      `SELECT 'tasks' AS t, task_id FROM tasks WHERE run_id = $1 GROUP BY task_id HAVING count(*) > 1
       UNION ALL SELECT 'training', task_id FROM training_data WHERE run_id = $1 GROUP BY task_id HAVING count(*) > 1
       UNION ALL SELECT 'results', task_id FROM scheduler_results WHERE run_id = $1 GROUP BY task_id HAVING count(*) <> 7`,
      [interrupted],
    );
    expect(duplicates).toEqual([]);
    expect(await storedResults(databaseUrl, interrupted)).toEqual(await storedResults(databaseUrl, again));
    const windows = 'scheduler_name, window_start, window_end, total_tasks, total_time, min_time, max_time, total_energy, total_cost, wins, losses, stats';
    expect(await storedRows(databaseUrl, 'metrics', windows, interrupted, 'scheduler_name, window_start')).toEqual(
      await storedRows(databaseUrl, 'metrics', windows, again, 'scheduler_name, window_start'),
    );
    // Every window carries its statistics, including the one in progress at each checkpoint.
    const windowStats = await query<{ stats: { count: number } | null }>(databaseUrl, 'SELECT stats FROM metrics WHERE run_id = $1', [interrupted]);
    expect(windowStats.length).toBeGreaterThan(0);
    expect(windowStats.every((w) => w.stats !== null && w.stats.count > 0)).toBe(true);
    // The running aggregates: snapshots, so the replays after each kill counted nothing twice.
    const aggregates = 'scheduler_name, through_task, tasks, sum_completion, sum_exec, sum_wait, sum_energy, sum_cost, sum_regret, wins, losses, state';
    const interruptedAggregates = await storedRows(databaseUrl, 'strategy_aggregates', aggregates, interrupted, 'scheduler_name');
    expect(interruptedAggregates.map((a) => (a as { tasks: number }).tasks)).toEqual(Array(7).fill(TASKS));
    expect(interruptedAggregates).toEqual(await storedRows(databaseUrl, 'strategy_aggregates', aggregates, again, 'scheduler_name'));
    const models = 'version, trained_at_task, samples, r2, mae, model';
    expect(await storedRows(databaseUrl, 'model_versions', models, interrupted, 'version')).toEqual(
      await storedRows(databaseUrl, 'model_versions', models, again, 'version'),
    );

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 300_000);
});
