import { RunFactory } from '../src/runs/execution/run-factory.js';
import { FencedError } from '../src/runs/execution/fence.js';
import { RunsRepository } from '../src/runs/runs.repository.js';
import { query } from './support/database.js';
import { rowCounts } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

// Small flushes, and no hybrid_ml: nothing to train.
const ENV = { SIM_FLUSH_TASKS: '10', SIM_CHECKPOINT_TASKS: '1000' };
const OPTIONS = { seed: 3, strategies: ['round_robin', 'greedy', 'eft', 'oracle'] };

describe('fencing: a run is written only by the execution that opened it last', () => {
  const sut = useTestApp('fencing', ENV);

  async function newRun(tasks: number): Promise<number> {
    const factory = sut.app.get(RunFactory);
    const config = factory.engineConfig('batch', OPTIONS);
    return sut.app.get(RunsRepository).create({ name: 'fenced', kind: 'batch', status: 'running', seed: 3, config: { engine: config }, tasksTotal: tasks });
  }

  it('fences off an earlier execution once another opened the run: it commits nothing more and stops', async () => {
    const factory = sut.app.get(RunFactory);
    const runId = await newRun(100);
    const first = await factory.open(runId);
    await first.advance(30);
    await first.drain();
    expect(await rowCounts(sut.databaseUrl, runId)).toMatchObject({ tasks: 30 });

    // Another process (here: another execution) takes the run over from its stored state.
    const second = await factory.open(runId);
    await first.advance(20);
    await expect(first.drain()).rejects.toBeInstanceOf(FencedError);
    expect(first.fenced?.message).toContain('another execution claimed the run');
    expect(await first.advance(10)).toBe(0);
    expect(await rowCounts(sut.databaseUrl, runId)).toMatchObject({ tasks: 30 });
    const [{ tasks_processed }] = await query<{ tasks_processed: number }>(sut.databaseUrl, 'SELECT tasks_processed FROM simulation_state WHERE id = $1', [runId]);
    expect(tasks_processed).toBe(30);

    await second.advance(100);
    await second.drain();
    expect(await rowCounts(sut.databaseUrl, runId)).toMatchObject({ tasks: 100, results: 400 });
  });

  it('fences off an execution whose run was deleted, instead of retrying its writes forever', async () => {
    const factory = sut.app.get(RunFactory);
    const runId = await newRun(50);
    const exec = await factory.open(runId);
    await exec.advance(10);
    await exec.drain();
    await sut.app.get(RunsRepository).delete(runId);
    await exec.advance(10);
    await expect(exec.drain()).rejects.toBeInstanceOf(FencedError);
    expect(exec.fenced?.message).toContain('the run was deleted');
  });
});
