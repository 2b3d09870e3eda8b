import { RetentionService } from '../src/runs/retention/retention.service.js';
import { createDatabase, dropDatabase, query } from './support/database.js';
import { until } from './support/progress.js';
import { postJson, resultsBetween, rowCounts, waitForRun } from './support/runs.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY_MS = 86_400_000;
const BATCH_TASKS = 2000;
// Checkpoints every 1000 tasks; a pruning pass keeps two training windows (1000) and retrain intervals (50) before the last.
const CHECKPOINT_TASKS = 1000;
const KEPT_BEFORE_CHECKPOINT = 2 * (1000 + 50);
const RETAIN_MODELS = 3;
const RETAIN_MODELS_EVERY = 10;

const env = {
  SIM_TICK_MS: '0',
  SIM_FLUSH_TASKS: '500',
  SIM_CHECKPOINT_TASKS: String(CHECKPOINT_TASKS),
  RETAIN_DAYS: '1',
  RETAIN_MODELS: String(RETAIN_MODELS),
  RETAIN_MODELS_EVERY: String(RETAIN_MODELS_EVERY),
  // No timer: the test drives each pass (RetentionService.prune) with a clock of its own.
  RETAIN_PRUNE_MS: '0',
};

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function committed(databaseUrl: string, runId: number): Promise<number> {
  const [row] = await query<{ n: number }>(databaseUrl, 'SELECT tasks_processed AS n FROM simulation_state WHERE id = $1', [runId]);
  return row.n;
}

async function checkpointAt(databaseUrl: string, runId: number): Promise<number> {
  const [row] = await query<{ n: number }>(databaseUrl, "SELECT (rng_state->>'taskIndex')::int AS n FROM simulation_state WHERE id = $1", [runId]);
  return row.n;
}

async function firstTaskIds(databaseUrl: string, runId: number): Promise<Record<string, number | null>> {
  const [row] = await query<Record<string, number | null>>(
    databaseUrl,
    `SELECT (SELECT min(task_id) FROM tasks WHERE run_id = $1) AS tasks, (SELECT min(task_id) FROM scheduler_results WHERE run_id = $1) AS results,
            (SELECT min(task_id) FROM training_data WHERE run_id = $1) AS training`,
    [runId],
  );
  return row;
}

const TIMEOUT = 240_000;

describe('retention of the continuous run', () => {
  let databaseUrl: string;
  let app: TestApp;
  const url = () => app.url;
  const retention = () => app.app.get(RetentionService);
  let batch: number;
  let continuous: number;
  let below: number;
  let processed: number;

  beforeAll(async () => {
    databaseUrl = await createDatabase('retention');
    app = await startTestApp(databaseUrl, env);
  }, TIMEOUT);

  afterAll(async () => {
    await app?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  }, TIMEOUT);

  it('keeps everything younger than RETAIN_DAYS, and every batch run', async () => {
    batch = (await postJson(`${url()}/api/simulation/runs`, { kind: 'batch', tasks: BATCH_TASKS, seed: 5 })).body.id as number;
    await waitForRun(url(), batch, 120_000);
    const started = await postJson(`${url()}/api/simulation/start`, {});
    expect(started.status).toBe(200);
    continuous = started.body.runId as number;
    await until(async () => (await checkpointAt(databaseUrl, continuous)) >= 6 * CHECKPOINT_TASKS, 120_000, 'six checkpoints', 50);
    // Paused, the run writes what it holds and stands still (its execution stays open here).
    expect((await postJson(`${url()}/api/simulation/pause`, {})).status).toBe(200);
    processed = await committed(databaseUrl, continuous);
    below = (await checkpointAt(databaseUrl, continuous)) - KEPT_BEFORE_CHECKPOINT;

    const report = await retention().prune({ now: new Date() });
    expect(report).toMatchObject({ runId: continuous, batches: 0, tasks: 0 });
    expect((await rowCounts(databaseUrl, continuous)).tasks).toBe(processed);
  }, TIMEOUT);

  it('prunes the older raw rows in batches, up to what a resume needs, keeping windows and every model version', async () => {
    const before = await rowCounts(databaseUrl, continuous);
    const batchBefore = await rowCounts(databaseUrl, batch);
    const report = await retention().prune({ now: new Date(Date.now() + 2 * DAY_MS), batchTasks: 1000 });
    expect(report.batches).toBe(Math.ceil(below / 1000));
    expect(report).toMatchObject({ runId: continuous, tasks: below, results: 7 * below, training: below });

    expect(await firstTaskIds(databaseUrl, continuous)).toEqual({ tasks: below, results: below, training: below });
    const after = await rowCounts(databaseUrl, continuous);
    expect(after).toEqual({ ...before, tasks: processed - below, results: 7 * (processed - below), training: processed - below });
    // Windows and model metadata stay; batch runs are never touched.
    expect(after.windows).toBe(before.windows);
    // A window whose tasks all went keeps its sums, not its statistics (the sketches); the others keep theirs.
    const windowStats = (runId: number) =>
      query<{ cleared: number; kept: number; old: number }>(
        databaseUrl,
        `SELECT count(*) FILTER (WHERE stats IS NULL)::int AS cleared, count(*) FILTER (WHERE stats IS NOT NULL)::int AS kept,
                count(*) FILTER (WHERE window_end < $2)::int AS old FROM metrics WHERE run_id = $1`,
        [runId, below],
      );
    const [stats] = await windowStats(continuous);
    expect(stats.old).toBeGreaterThan(0);
    expect(stats).toEqual({ cleared: stats.old, kept: after.windows - stats.old, old: stats.old });
    expect(report.windows).toBe(stats.old);
    expect((await windowStats(batch))[0]).toMatchObject({ cleared: 0 });
    expect(after.models).toBe(before.models);
    expect(await rowCounts(databaseUrl, batch)).toEqual(batchBefore);
    expect(batchBefore.results).toBe(7 * BATCH_TASKS);

    // A second pass finds nothing more to delete.
    expect(await retention().prune({ now: new Date(Date.now() + 2 * DAY_MS) })).toMatchObject({ batches: 0, tasks: 0, models: 0 });
  }, TIMEOUT);

  it('keeps the model JSON of the last RETAIN_MODELS versions and of every RETAIN_MODELS_EVERYth, and the metadata of all', async () => {
    const versions = await query<{ version: number; kept: boolean }>(
      databaseUrl,
      'SELECT version, model IS NOT NULL AS kept FROM model_versions WHERE run_id = $1 ORDER BY version',
      [continuous],
    );
    const latest = versions[versions.length - 1].version;
    expect(versions.length).toBeGreaterThan(2 * RETAIN_MODELS_EVERY);
    for (const { version, kept } of versions) expect({ version, kept }).toEqual({ version, kept: version > latest - RETAIN_MODELS || version % RETAIN_MODELS_EVERY === 0 });
    // The batch run keeps every model.
    const [batchModels] = await query<{ pruned: number }>(databaseUrl, 'SELECT count(*) FILTER (WHERE model IS NULL)::int AS pruned FROM model_versions WHERE run_id = $1', [batch]);
    expect(batchModels.pruned).toBe(0);

    const model = await get(`${url()}/api/training/model?limit=1000`);
    expect(model.status).toBe(200);
    expect(model.body.history).toHaveLength(versions.length);
    for (const v of model.body.history) expect(v.modelRetained).toBe(v.version > latest - RETAIN_MODELS || v.version % RETAIN_MODELS_EVERY === 0);

    const kept = await get(`${url()}/api/training/model/${latest}`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ runId: continuous, version: latest });
    expect(typeof kept.body.model).toBe('object');
    expect((await get(`${url()}/api/training/model/${RETAIN_MODELS_EVERY}?runId=${continuous}`)).status).toBe(200);
    const gone = await get(`${url()}/api/training/model/1`);
    expect(gone.status).toBe(410);
    expect(gone.body.message[0]).toMatch(/pruned/);
    expect((await get(`${url()}/api/training/model/${latest + 1}`)).status).toBe(404);
    expect((await get(`${url()}/api/training/model/1?runId=${batch}`)).status).toBe(200);
  }, TIMEOUT);

  it('says in each list of raw rows which range is retained', async () => {
    for (const path of ['tasks', 'results', 'training/data']) {
      const listed = await get(`${url()}/api/${path}?runId=${continuous}&limit=5`);
      expect(listed.status).toBe(200);
      expect(listed.body.retained).toEqual({ runId: continuous, fromTaskId: below, retainDays: 1 });
      const ofBatch = await get(`${url()}/api/${path}?runId=${batch}&limit=5`);
      expect(ofBatch.body.retained).toEqual({ runId: batch, fromTaskId: 0, retainDays: null });
      expect((await get(`${url()}/api/${path}?limit=5`)).body.retained).toBeNull();
      expect((await get(`${url()}/api/${path}?runId=999999`)).status).toBe(404);
    }
    // The oldest task listed is the first retained one.
    expect((await get(`${url()}/api/tasks?runId=${continuous}&limit=1`)).body.items[0].taskId).toBe(below);
  }, TIMEOUT);

  it('exposes the size of each table and of the database on /metrics', async () => {
    const text = await (await fetch(`${url()}/metrics`)).text();
    for (const table of ['tasks', 'scheduler_results', 'training_data', 'model_versions', 'metrics', 'simulation_state']) {
      expect(text).toMatch(new RegExp(`^pg_table_size_bytes\\{table="${table}"\\} [1-9]\\d*$`, 'm'));
    }
    expect(text).toMatch(/^pg_database_size_bytes [1-9]\d*$/m);
    // What the passes so far deleted.
    expect(text).toMatch(new RegExp(`^retention_pruned_rows_total\\{table="scheduler_results"\\} ${7 * below}$`, 'm'));
    expect(text).toMatch(new RegExp(`^retention_pruned_rows_total\\{table="tasks"\\} ${below}$`, 'm'));
  }, TIMEOUT);

  it('resumes after pruning from its checkpoint, equal to an uninterrupted run, and prunes again there', async () => {
    // A restart reopens the run from its checkpoint and replays to its stored progress: the
    // retrains it replays read training rows that pruning kept.
    await app.close();
    app = await startTestApp(databaseUrl, env);
    expect((await get(`${url()}/api/simulation/status`)).body).toMatchObject({ runId: continuous, isPaused: true });
    expect((await postJson(`${url()}/api/simulation/resume`, {})).status).toBe(200);
    const target = processed + 2 * CHECKPOINT_TASKS;
    await until(async () => (await committed(databaseUrl, continuous)) >= target, 120_000, 'progress after the restart', 50);
    const report = await retention().prune({ now: new Date(Date.now() + 2 * DAY_MS) });
    expect(report.runId).toBe(continuous);
    expect(report.tasks).toBeGreaterThan(0);
    expect((await postJson(`${url()}/api/simulation/stop`, {})).status).toBe(200);
    const end = await committed(databaseUrl, continuous);
    const first = (await firstTaskIds(databaseUrl, continuous)).tasks as number;
    expect(first).toBeGreaterThan(below);
    expect(await rowCounts(databaseUrl, continuous)).toMatchObject({ tasks: end - first, results: 7 * (end - first), training: end - first });

    // The same seed again, uninterrupted and never pruned: the same results over the retained range.
    const again = (await postJson(`${url()}/api/simulation/start`, {})).body.runId as number;
    await until(async () => (await committed(databaseUrl, again)) >= end, 120_000, 'the uninterrupted run', 50);
    await postJson(`${url()}/api/simulation/stop`, {});
    const resumed = await resultsBetween(databaseUrl, continuous, first, end);
    expect(resumed).toHaveLength(7 * (end - first));
    expect(resumed).toEqual(await resultsBetween(databaseUrl, again, first, end));
  }, TIMEOUT);
});
