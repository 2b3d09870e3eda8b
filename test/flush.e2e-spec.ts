import { SimulationEngine, type StrategyStatsState } from '../src/engine/index.js';
import { encodeBatch } from '../src/ingest/encoded-batch.js';
import { IngestRepository } from '../src/ingest/ingest.repository.js';
import { RunBatch } from '../src/ingest/run-batch.js';
import { windowRow } from './support/window-row.js';
import { query } from './support/database.js';
import { insertRun } from './support/fixtures.js';
import { rowCounts } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

// A flush's encoded statements against PostgreSQL: what it stores, and its replay paths (a COPY
// that meets a stored row, a batch that may exist) from the same encoded form.

/** Tasks [from, to) of the run of `seed`, stepped for real (every strategy; CPU placements among them). */
function stepped(seed: number, from: number, to: number): RunBatch {
  const engine = SimulationEngine.create({ seed, gpus: 4, learning: { mode: 'external' } });
  const batch = new RunBatch(true);
  while (engine.processed < to) {
    const step = engine.step(engine.nextTask());
    if (step.index >= from) batch.add(step);
  }
  return batch;
}

const window = (schedulerName: string, stats: StrategyStatsState | null) => windowRow({ schedulerName, stats });

const noop = async () => undefined;

describe('a flush of an encoded batch', () => {
  const sut = useTestApp('flush');
  const results = (runId: number) =>
    query<{ task_id: number; scheduler_name: string; gpu_id: number | null; exec_time: number; energy_consumption: number; execution_cost: number; won: boolean }>(
      sut.databaseUrl,
      'SELECT task_id, scheduler_name, gpu_id, exec_time, energy_consumption, execution_cost, won FROM scheduler_results WHERE run_id = $1 ORDER BY task_id, scheduler_name',
      [runId],
    );
  const expected = (b: RunBatch) =>
    b.results.taskId
      .map((taskId, i) => ({
        task_id: taskId,
        scheduler_name: b.results.schedulerName[i],
        gpu_id: b.results.gpuId[i],
        exec_time: b.results.execTime[i],
        energy_consumption: b.results.energy[i],
        execution_cost: b.results.cost[i],
        won: b.results.won[i],
      }))
      .sort((a, z) => a.task_id - z.task_id || (a.scheduler_name < z.scheduler_name ? -1 : 1));
  const newRun = async () => (await insertRun(sut.databaseUrl, { tasks: 0 })).runId;

  it('stores every row as built: a null GPU, NaN and Infinity, JSON with quotes and backslashes, a window without statistics', async () => {
    const runId = await newRun();
    const batch = stepped(3, 0, 30);
    batch.results.energy[0] = NaN;
    batch.results.cost[0] = Infinity;
    const quoted = { note: 'a "quoted" \\ value, {braces}' } as unknown as StrategyStatsState;
    batch.windows.push(window('eft', quoted), window('greedy', null));
    expect(batch.results.gpuId).toContain(null);

    await sut.app.get(IngestRepository).flush(encodeBatch(runId, batch), false, noop);

    expect(await results(runId)).toEqual(expected(batch));
    expect(await rowCounts(sut.databaseUrl, runId)).toEqual({ tasks: 30, results: batch.results.taskId.length, training: 30, windows: 2, models: 0 });
    const windows = await query<{ scheduler_name: string; stats: unknown }>(sut.databaseUrl, 'SELECT scheduler_name, stats FROM metrics WHERE run_id = $1 ORDER BY scheduler_name', [runId]);
    expect(windows).toEqual([
      { scheduler_name: 'eft', stats: quoted },
      { scheduler_name: 'greedy', stats: null },
    ]);
    const [task] = await query<{ dependencies: unknown }>(sut.databaseUrl, 'SELECT dependencies FROM tasks WHERE run_id = $1 AND task_id = 0', [runId]);
    expect(task.dependencies).toEqual(JSON.parse(batch.tasks.dependencies[0]));
  });

  it('writes a batch again without error or duplicates: by COPY meeting a stored row, and as a replay', async () => {
    const runId = await newRun();
    const ingest = sut.app.get(IngestRepository);
    const batch = stepped(4, 0, 20);
    await ingest.flush(encodeBatch(runId, batch), false, noop);
    const before = await rowCounts(sut.databaseUrl, runId);

    await ingest.flush(encodeBatch(runId, batch), false, noop);
    await ingest.flush(encodeBatch(runId, batch), true, noop);
    await ingest.flush(encodeBatch(runId, batch), true, noop);

    expect(await rowCounts(sut.databaseUrl, runId)).toEqual(before);
    expect(await results(runId)).toEqual(expected(batch));
  });

  it.each([false, true])('adds the new results of a batch overlapping stored ones and keeps the stored ones (mayExist %s)', async (mayExist) => {
    const runId = await newRun();
    const ingest = sut.app.get(IngestRepository);
    const stored = stepped(5, 0, 20);
    // Another seed: its tasks 10…19 differ from the stored ones, which must stay.
    const overlapping = stepped(6, 10, 30);
    await ingest.flush(encodeBatch(runId, stored), false, noop);

    await ingest.flush(encodeBatch(runId, overlapping), mayExist, noop);

    const kept = expected(stored);
    const added = expected(overlapping).filter((r) => r.task_id >= 20);
    expect(await results(runId)).toEqual([...kept, ...added]);
    expect((await rowCounts(sut.databaseUrl, runId)).tasks).toBe(30);
  });
});
