import { spawnApp, waitFor200 } from './support/child-app.js';
import { query } from './support/database.js';
import { until } from './support/progress.js';
import { restartSuite } from './support/restart-suite.js';
import { postJson, resultsBetween, rowCounts } from './support/runs.js';

const KILL_AT = [3000, 6000, 9000];
const END = 12_000;

async function firstTaskId(databaseUrl: string, runId: number): Promise<number> {
  const [row] = await query<{ first: number }>(databaseUrl, 'SELECT min(task_id) AS first FROM tasks WHERE run_id = $1', [runId]);
  return row.first;
}

describe('kill -9 of the continuous run while retention prunes it', () => {
  const suite = restartSuite('retention_kill');
  // Rows older than ~0.09 s are pruned every 100 ms: pruning runs all along, up to what a resume needs.
  const env = () => ({
    DATABASE_URL: suite.databaseUrl,
    PORT: String(suite.port),
    SIM_AUTOSTART: 'true',
    SIM_TICK_MS: '0',
    SIM_FLUSH_TASKS: '200',
    SIM_CHECKPOINT_TASKS: '1000',
    RETAIN_DAYS: '0.000001',
    RETAIN_PRUNE_MS: '100',
  });

  it('resumes from its checkpoint after each kill with what pruning left, equal to an uninterrupted run over the retained range', async () => {
    const { databaseUrl, base, progress } = suite;
    let run: number | undefined;
    for (const point of KILL_AT) {
      const app = (suite.app = spawnApp(env()));
      await waitFor200(`${base}/ready`, app, 30_000);
      run ??= ((await (await fetch(`${base}/api/simulation/status`)).json()) as { runId: number }).runId;
      const id = run;
      await until(async () => (await progress.committed(id)) >= point, 120_000, `committed progress ${point}`, 5);
      app.child.kill('SIGKILL');
      await app.exited;
    }
    const interrupted = run as number;
    const app = (suite.app = spawnApp(env()));
    await waitFor200(`${base}/ready`, app, 30_000);
    await until(async () => (await progress.committed(interrupted)) >= END, 120_000, `committed progress ${END}`, 5);
    expect((await postJson(`${base}/api/simulation/stop`, {})).status).toBe(200);
    const end = await progress.committed(interrupted);
    const first = await firstTaskId(databaseUrl, interrupted);
    // Pruning went on: the oldest rows are gone, and what is left is whole, without a gap or a duplicate.
    expect(first).toBeGreaterThan(0);
    expect(await rowCounts(databaseUrl, interrupted)).toMatchObject({ tasks: end - first, results: 7 * (end - first), training: end - first });

    // The same seed, uninterrupted (pruned as it goes too): the same results where both kept them.
    const again = (await postJson(`${base}/api/simulation/start`, {})).body.runId as number;
    expect(again).not.toBe(interrupted);
    await until(async () => (await progress.committed(again)) >= end, 120_000, 'the uninterrupted run', 5);
    await postJson(`${base}/api/simulation/stop`, {});
    const from = Math.max(first, await firstTaskId(databaseUrl, again));
    expect(from).toBeLessThan(end - 1000);
    const resumed = await resultsBetween(databaseUrl, interrupted, from, end);
    expect(resumed).toHaveLength(7 * (end - from));
    expect(resumed).toEqual(await resultsBetween(databaseUrl, again, from, end));

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 300_000);
});
