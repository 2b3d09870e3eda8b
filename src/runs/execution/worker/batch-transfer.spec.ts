import { SimulationEngine, type Task } from '../../../engine/index.js';
import { RunBatch } from '../../../ingest/run-batch.js';
import { WindowAccumulator } from '../window-accumulator.js';
import { packBatch, transferList, unpackBatch } from './batch-transfer.js';

/** A batch of `n` real steps (every strategy, hybrid_ml among them), with its metric windows. */
function stepped(n: number, withTasks: boolean): RunBatch {
  const engine = SimulationEngine.create({ seed: 11, gpus: 4, learning: { mode: 'external' } });
  const windows = new WindowAccumulator(7, 0.01);
  const batch = new RunBatch(withTasks);
  for (let i = 0; i < n; i++) {
    const step = engine.step(engine.nextTask());
    batch.add(step);
    batch.windows.push(...windows.add(step));
  }
  batch.aggregates = { throughTask: n, stats: engine.statsState() };
  return batch;
}

describe('packBatch / unpackBatch', () => {
  it.each([true, false])('gives back an equal batch (withTasks %s)', (withTasks) => {
    const batch = stepped(60, withTasks);
    // CPU placements (no GPU) and lost tasks are in it: the null and false values cross too.
    expect(batch.results.gpuId).toContain(null);
    expect(batch.results.won).toContain(false);
    expect(batch.windows.length).toBeGreaterThan(0);
    expect(Object.keys(batch.aggregates?.stats ?? {})).toHaveLength(7);

    const copy = unpackBatch(structuredClone(packBatch(batch)));

    expect(copy).toEqual(batch);
    expect(copy.size).toBe(60);
  });

  it('keeps a batch with nothing in it empty', () => {
    const batch = new RunBatch(true);
    expect(unpackBatch(packBatch(batch))).toEqual(batch);
  });

  it('keeps integers and fractions exactly, and a task whose dependencies are listed', () => {
    const batch = new RunBatch(true);
    const task: Task = { id: 2 ** 40 + 3, size: 0.1 + 0.2, computeIntensity: 1e-300, memoryRequired: 7, durationEstimate: -0, arrivalTime: 123.456, dependencies: [1, 5] } as Task;
    batch.addTask(task);
    const copy = unpackBatch(packBatch(batch));
    expect(copy.tasks).toEqual(batch.tasks);
    expect(Object.is(copy.tasks.durationEstimate[0], -0)).toBe(true);
  });

  it('moves its numbers to the receiving thread instead of copying them', () => {
    const packed = packBatch(stepped(10, true));
    const [numbers] = transferList(packed);
    expect(numbers.byteLength).toBeGreaterThan(0);

    const moved = structuredClone(packed, { transfer: transferList(packed) });

    // Transferred: the sender's buffer is detached, the receiver's holds the batch.
    expect(numbers.byteLength).toBe(0);
    expect(unpackBatch(moved)).toEqual(stepped(10, true));
  });
});
