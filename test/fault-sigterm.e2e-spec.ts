import { spawnApp, waitFor200 } from './support/child-app.js';
import { query } from './support/database.js';
import { until } from './support/progress.js';
import { restartSuite } from './support/restart-suite.js';
import { postJson, rowCounts, storedResults, waitForRun } from './support/runs.js';

const TASKS = 12_000;
const SEED = 29;
const EXIT_BUDGET_MS = 5000;

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

describe('SIGTERM in the middle of a batch run and a full-speed continuous run', () => {
  const suite = restartSuite('fault_sigterm');
  const env = () => ({ DATABASE_URL: suite.databaseUrl, PORT: String(suite.port), SIM_AUTOSTART: 'true', SIM_TICK_MS: '0', SIM_FLUSH_TASKS: '500' });

  it('drops readiness at once, flushes every stepped task, exits 0 within 5 s, and the restart completes the run exactly as an uninterrupted one', async () => {
    const { databaseUrl, base, progress } = suite;
    const start = () => (suite.app = spawnApp(env()));
    let app = start();
    await waitFor200(`${base}/ready`, app, 30_000);
    const created = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: SEED });
    expect(created.status).toBe(202);
    const batch = created.body.id as number;
    await until(async () => (await progress.committed(batch)) >= TASKS / 4, 60_000, 'batch progress');
    const continuous = (await json<{ runId: number }>(`${base}/api/simulation/status`)).runId;

    // What the process has stepped (in memory) just before the signal: all of it must be stored after.
    const steppedContinuous = (await json<{ tasksProcessed: number }>(`${base}/api/simulation/status`)).tasksProcessed;
    const steppedBatch = (await json<{ tasksProcessed: number }>(`${base}/api/simulation/runs/${batch}`)).tasksProcessed;
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    const signalled = performance.now();
    app.child.kill('SIGTERM');
    const answers: (number | 'refused')[] = [];
    let exitedAt: number | undefined;
    const exited = app.exited.then((code) => {
      exitedAt = performance.now();
      return code;
    });
    while (exitedAt === undefined && performance.now() - signalled < EXIT_BUDGET_MS + 2000) {
      answers.push(await fetch(`${base}/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 'refused' as const));
    }
    const code = await exited;
    const exitMs = (exitedAt as number) - signalled;

    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a !== 503 && a !== 'refused')).toEqual([]);
    // (A refused or reset probe may still be followed by a 503 on another kept-alive connection while the server drains.)
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(EXIT_BUDGET_MS);

    // Buffers flushed: the committed progress covers everything stepped before the signal and equals the stored rows.
    const c = await rowCounts(databaseUrl, continuous);
    const cCommitted = await progress.committed(continuous);
    expect(cCommitted).toBeGreaterThanOrEqual(steppedContinuous);
    expect(c).toMatchObject({ tasks: cCommitted, training: cCommitted, results: 7 * cCommitted });
    const b = await rowCounts(databaseUrl, batch);
    const bCommitted = await progress.committed(batch);
    expect(bCommitted).toBeGreaterThanOrEqual(steppedBatch);
    expect(bCommitted).toBeLessThan(TASKS);
    expect(bCommitted).toBeLessThanOrEqual(b.tasks);
    expect(b.results).toBe(7 * b.tasks);

    // The restart picks the batch up where it was and completes it.
    app = start();
    await waitFor200(`${base}/ready`, app, 30_000);
    expect((await waitForRun(base, batch, 120_000)).tasksProcessed).toBe(TASKS);
    const uneven = await query(databaseUrl, 'SELECT task_id FROM scheduler_results WHERE run_id = $1 GROUP BY task_id HAVING count(*) <> 7', [batch]);
    expect(uneven).toEqual([]);
    expect((await rowCounts(databaseUrl, batch)).results).toBe(7 * TASKS);

    const again = await postJson(`${base}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: SEED });
    await waitForRun(base, again.body.id, 120_000);
    expect(await rowCounts(databaseUrl, batch)).toEqual(await rowCounts(databaseUrl, again.body.id));
    expect(await storedResults(databaseUrl, batch)).toEqual(await storedResults(databaseUrl, again.body.id));

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 240_000);
});
