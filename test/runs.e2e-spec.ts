import { PlacementModel, SimulationEngine, type Task } from '../src/engine/index.js';
import { query } from './support/database.js';
import { postCsv, postJson, rowCounts, storedResults, waitForRun } from './support/runs.js';
import { timedGet, useTestApp } from './support/test-app.js';

const RETRAIN_INTERVAL = 50;
// Longer than the interval: up to three fits are in flight at once.
const RETRAIN_LAG = 120;
const ENV = {
  SIM_BATCH_RETRAIN_INTERVAL: String(RETRAIN_INTERVAL),
  SIM_RETRAIN_INTERVAL: String(RETRAIN_INTERVAL),
  SIM_BATCH_RETRAIN_LAG: String(RETRAIN_LAG),
  SIM_CHECKPOINT_TASKS: '100',
  SIM_FLUSH_TASKS: '64',
};

/** A trace of n generated tasks as CSV, dependencies written as "0;3". */
function traceCsv(n: number, seed: number): { csv: string; tasks: Task[] } {
  const generator = SimulationEngine.create({ seed });
  const tasks = Array.from({ length: n }, () => generator.nextTask());
  const lines = tasks.map((t) =>
    [t.id, t.size, t.computeIntensity, t.memoryRequired, t.arrivalTime, t.durationEstimate, t.dependencies.join(';')].join(','),
  );
  return { csv: ['task_id,size,compute_intensity,memory_required,arrival_time,duration_estimate,dependencies', ...lines].join('\n'), tasks };
}

/**
 * The same replay done by the engine alone, retraining the way the service does: after task p,
 * fit on the latest labels (scored on a 20% holdout, the engine's next seed), effective from task p + lag
 * (the lag is longer than the interval: later fits queue behind earlier ones).
 */
function replayWithEngine(tasks: Task[], seed: number): Map<string, Record<string, unknown>> {
  const engine = SimulationEngine.create({ seed, learning: { mode: 'external', retrainInterval: RETRAIN_INTERVAL }, dependencies: { retention: 'all' } });
  const out = new Map<string, Record<string, unknown>>();
  tasks.forEach((task, i) => {
    const step = engine.step(task);
    for (const [name, o] of Object.entries(step.outcomes)) {
      out.set(`${task.id}/${name}`, {
        gpu_fraction: o.gpuFraction,
        gpu_id: o.gpuId,
        exec_time: o.execTime,
        wait_time: o.waitTime,
        completion_time: o.completionTime,
        energy_consumption: o.energy,
        execution_cost: o.cost,
      });
    }
    if (step.retrainDue) {
      const options = engine.nextForestOptions();
      const rows = engine.trainingWindow();
      const fit = PlacementModel.fit(rows.map((r) => r.features), rows.map((r) => r.label), { ...options, holdoutFraction: 0.2 });
      // Pending in the engine until its task.
      engine.installModel(fit.model.toJSON(), i + 1 + RETRAIN_LAG);
    }
  });
  return out;
}

describe('batch runs and trace replays', () => {
  const sut = useTestApp('runs', ENV);

  it('replays a CSV trace: N tasks, 7N results, N training rows, numbers equal to the engine, retrained models persisted', async () => {
    const { csv, tasks } = traceCsv(300, 11);
    const created = await postCsv(`${sut.url}/api/simulation/runs?name=csv&seed=9`, csv);
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ id: expect.any(Number), status: 'queued' });

    const run = await waitForRun(sut.url, created.body.id);
    expect(run).toMatchObject({ tasksProcessed: 300, tasksTotal: 300, status: 'completed' });
    const counts = await rowCounts(sut.databaseUrl, run.id);
    expect(counts).toMatchObject({ tasks: 300, results: 2100, training: 300, windows: 21 });
    // Fits after tasks 50, 100 and 150 take effect 120 tasks later, within the run, and are stored;
    // the later ones would act only after its last task.
    expect(counts.models).toBe(3);

    // hybrid_ml places like greedy (f = compute_intensity) until the first model takes effect, then by the model.
    const [model] = await query<{ version: number; trained_at_task: number; samples: number; r2: number; mae: number; feature_importances: Record<string, number> }>(
      sut.databaseUrl,
      'SELECT version, trained_at_task, samples, r2, mae, feature_importances FROM model_versions WHERE run_id = $1 ORDER BY version LIMIT 1',
      [run.id],
    );
    expect(model).toMatchObject({ version: 1, trained_at_task: RETRAIN_INTERVAL, samples: RETRAIN_INTERVAL, r2: expect.any(Number), mae: expect.any(Number) });
    expect(Object.keys(model.feature_importances).sort()).toEqual(['compute_intensity', 'compute_to_memory', 'memory_per_size', 'memory_required', 'size']);
    const hybrid = await query<{ index: number; f: number; ci: number }>(
      sut.databaseUrl,
      `SELECT row_number() OVER (ORDER BY t.id) - 1 AS index, r.gpu_fraction AS f, t.compute_intensity AS ci
         FROM tasks t JOIN scheduler_results r ON r.run_id = t.run_id AND r.task_id = t.task_id AND r.scheduler_name = 'hybrid_ml'
        WHERE t.run_id = $1 ORDER BY t.id`,
      [run.id],
    );
    const effective = RETRAIN_INTERVAL + RETRAIN_LAG;
    expect(hybrid.slice(0, effective).every((r) => r.f === r.ci)).toBe(true);
    expect(hybrid.slice(effective).filter((r) => r.f !== r.ci).length).toBeGreaterThan((300 - effective) / 2);

    const expected = replayWithEngine(tasks, 9);
    const stored = await storedResults(sut.databaseUrl, run.id);
    expect(stored).toHaveLength(2100);
    for (const row of stored) {
      expect(row).toMatchObject(expected.get(`${row.task_id}/${row.scheduler_name}`)!);
    }
  });

  it('stores identical results for two replays with the same seed', async () => {
    const { csv } = traceCsv(200, 3);
    const first = await postCsv(`${sut.url}/api/simulation/runs?seed=5`, csv);
    const second = await postCsv(`${sut.url}/api/simulation/runs?seed=5`, csv);
    await waitForRun(sut.url, first.body.id);
    await waitForRun(sut.url, second.body.id);
    expect(await storedResults(sut.databaseUrl, second.body.id)).toEqual(await storedResults(sut.databaseUrl, first.body.id));
  });

  it('runs a generated batch from JSON and reports a per-strategy summary when done', async () => {
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', name: 'b', tasks: 400, seed: 3, gpus: 2, arrivalRate: 4 });
    expect(created.status).toBe(202);
    const run = await waitForRun(sut.url, created.body.id);
    expect(run.summary).toHaveLength(7);
    const [gpuIds] = await query<{ max: number }>(sut.databaseUrl, 'SELECT max(gpu_id) FROM scheduler_results WHERE run_id = $1', [run.id]);
    expect(gpuIds.max).toBe(1);
    expect(await rowCounts(sut.databaseUrl, run.id)).toMatchObject({ tasks: 400, results: 2800, training: 400 });
  });

  it("gives every window of a batch run its strategy's statistics: percentiles, regret and the scheduling metrics, adding up to the run's", async () => {
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 330, seed: 4, gpus: 3, windowSize: 50, warmupTasks: 20 });
    await waitForRun(sut.url, created.body.id);
    interface PerDevice {
      cpu: number;
      gpus: number[];
    }
    interface Window {
      schedulerName: string;
      totalTasks: number;
      avgTime: number;
      percentileMethod: string;
      percentileRelativeError: number;
      p50CompletionTime: number;
      p95CompletionTime: number;
      p99CompletionTime: number;
      meanExecTime: number;
      meanWaitTime: number;
      meanRegret: number;
      scheduling: { makespan: number; throughput: number; busy: PerDevice; utilisation: PerDevice & { mean: number }; meanBacklog: PerDevice; maxBacklog: PerDevice };
    }
    const windows: Window[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await fetch(`${sut.url}/api/metrics/windows?runId=${created.body.id}&limit=50${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        items: Window[];
        nextCursor: string | null;
      };
      windows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    // 310 counted tasks in windows of 50: six full ones and a partial one, per strategy.
    expect(windows).toHaveLength(7 * 7);
    const board = (await (await fetch(`${sut.url}/api/metrics/leaderboard?runId=${created.body.id}`)).json()) as {
      items: { scheduler: string; tasks: number; scheduling: { busy: PerDevice } }[];
    };
    const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    for (const entry of board.items) {
      const mine = windows.filter((w) => w.schedulerName === entry.scheduler);
      expect(mine.reduce((n, w) => n + w.totalTasks, 0)).toBe(entry.tasks);
      expect(entry.tasks).toBe(310);
      for (const w of mine) {
        expect(w).toMatchObject({ percentileMethod: 'sketch', percentileRelativeError: expect.any(Number) });
        expect(w.p50CompletionTime).toBeLessThanOrEqual(w.p95CompletionTime);
        expect(w.p95CompletionTime).toBeLessThanOrEqual(w.p99CompletionTime);
        close(w.meanExecTime + w.meanWaitTime, w.avgTime);
        expect(w.meanRegret).toBeGreaterThanOrEqual(-1e-12);
        const { makespan, throughput, utilisation, meanBacklog, maxBacklog } = w.scheduling;
        expect(makespan).toBeGreaterThan(0);
        close(throughput, w.totalTasks / makespan);
        expect(utilisation.gpus).toHaveLength(3);
        for (const u of [utilisation.cpu, ...utilisation.gpus]) {
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThanOrEqual(1);
        }
        [meanBacklog.cpu, ...meanBacklog.gpus].forEach((b, d) => expect(b).toBeLessThanOrEqual([maxBacklog.cpu, ...maxBacklog.gpus][d]));
      }
      // A device's busy time over the run is the sum of its windows'.
      const busy = (w: { busy: PerDevice }) => [w.busy.cpu, ...w.busy.gpus];
      busy(entry.scheduling).forEach((total, d) => close(mine.reduce((sum, w) => sum + busy(w.scheduling)[d], 0), total));
    }
  });

  it('answers 400 with every bad row of a CSV trace and stores nothing', async () => {
    const before = await query<{ n: number }>(sut.databaseUrl, 'SELECT count(*) AS n FROM simulation_state');
    const csv = ['task_id,size,compute_intensity,memory_required,arrival_time', '0,100,0.5,10,0', '1,-5,0.5,10,1', '2,100,1.5,10,2', '3,100,0.5,10,x'].join('\n');
    const res = await postCsv(`${sut.url}/api/simulation/runs`, csv);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'SIMULATION.INVALID_TRACE', requestId: expect.any(String) });
    expect(res.body.errors.map((e: { row: number }) => e.row)).toEqual([2, 3, 4]);
    const after = await query<{ n: number }>(sut.databaseUrl, 'SELECT count(*) AS n FROM simulation_state');
    expect(after[0].n).toBe(before[0].n);
  });

  it.each([
    [{ kind: 'batch' }, 'tasks'],
    [{ kind: 'batch', tasks: 0 }, 'tasks'],
    [{ kind: 'batch', tasks: 1_000_001 }, 'tasks'],
    [{ kind: 'batch', tasks: 10, strategies: ['fastest'] }, 'strategies'],
    [{ kind: 'batch', tasks: 10, extra: 1 }, 'extra'],
    [{ kind: 'trace' }, 'trace'],
    [{ kind: 'nope', tasks: 10 }, 'kind'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await postJson(`${sut.url}/api/simulation/runs`, body);
    expect(res.status).toBe(400);
    expect(res.body.message.join(' ')).toContain(field);
  });

  it('answers 404 for an unknown run and deletes a run with every row', async () => {
    expect((await timedGet(`${sut.url}/api/simulation/runs/999999`)).status).toBe(404);
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 100 });
    await waitForRun(sut.url, created.body.id);
    // Its reads are cached, and answered again from the cache, until it goes.
    const board = `${sut.url}/api/metrics/leaderboard?runId=${created.body.id}`;
    expect((await timedGet(board)).status).toBe(200);
    expect((await timedGet(board)).status).toBe(200);
    const res = await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await rowCounts(sut.databaseUrl, created.body.id)).toEqual({ tasks: 0, results: 0, training: 0, windows: 0, models: 0 });
    expect((await timedGet(board)).status).toBe(404);
    expect((await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
