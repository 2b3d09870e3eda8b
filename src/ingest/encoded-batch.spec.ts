import pgUtils from 'pg/lib/utils.js';
import { SimulationEngine, type StrategyStatsState, type Task } from '../engine/index.js';
import { WindowAccumulator } from '../runs/execution/window-accumulator.js';
import { encodeBatch, transferList } from './encoded-batch.js';
import { windowRow } from '../../test/support/window-row.js';
import { RunBatch } from './run-batch.js';

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

// What pg sends for a parameter: how its Query encodes each value.
const pgSends = (value: unknown) => pgUtils.prepareValue(value);
const text = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes ?? new Uint8Array());

// The COPY text as the flush built it on the main thread, before it was encoded where the run steps.
function copyTextBefore(runId: number, b: RunBatch): string {
  const r = b.results;
  let out = '';
  for (let i = 0; i < r.taskId.length; i++) {
    const gpu = r.gpuId[i] === null ? '\\N' : String(r.gpuId[i]);
    out += `${runId}\t${r.taskId[i]}\t${r.schedulerName[i]}\t${r.gpuFraction[i]}\t${r.cpuFraction[i]}\t${gpu}\t${r.execTime[i]}\t${r.waitTime[i]}\t${r.completionTime[i]}\t${r.startTime[i]}\t${r.finishTime[i]}\t${r.energy[i]}\t${r.cost[i]}\t${r.won[i] ? 't' : 'f'}\n`;
  }
  return out;
}

const window = windowRow;

describe(encodeBatch.name, () => {
  it.each([true, false])('gives each statement the parameters pg would have encoded from the columns (withTasks %s)', (withTasks) => {
    const batch = stepped(60, withTasks);
    // CPU placements (no GPU) and lost tasks are in it; windows and every strategy's aggregates too.
    expect(batch.results.gpuId).toContain(null);
    expect(batch.windows.length).toBeGreaterThan(0);

    const sut = encodeBatch(4, batch);

    const t = batch.tasks;
    const l = batch.training;
    expect(sut.tasks).toEqual(withTasks ? [t.taskId, t.size, t.computeIntensity, t.memoryRequired, t.durationEstimate, t.arrivalTime, t.dependencies].map(pgSends) : null);
    expect(sut.training).toEqual([l.taskId, ...l.features, l.label, l.optimalTime].map(pgSends));
    expect(sut.windows?.[0]).toBe(pgSends(batch.windows.map((w) => w.schedulerName)));
    expect(sut.windows?.[12]).toBe(pgSends(batch.windows.map((w) => JSON.stringify(w.stats))));
    const stats = Object.entries(batch.aggregates?.stats ?? {});
    expect(sut.aggregates?.throughTask).toBe(60);
    expect(sut.aggregates?.params).toHaveLength(11);
    expect(sut.aggregates?.params[0]).toBe(pgSends(stats.map(([name]) => name)));
    expect(sut.aggregates?.params[9]).toBe(pgSends(stats.map(([name, s]) => (name === 'oracle' ? 0 : s.count - s.wins))));
    expect(sut.aggregates?.params[10]).toBe(pgSends(stats.map(([, s]) => JSON.stringify(s))));
    expect(sut.rows).toBe(t.taskId.length + batch.results.taskId.length + 60 + batch.windows.length);
  });

  it('writes the results as the same COPY text as before, a null GPU as \\N', () => {
    const batch = stepped(60, true);

    const sut = encodeBatch(4, batch);

    expect(text(sut.results)).toBe(copyTextBefore(4, batch));
    expect(text(sut.results).split('\n')[0].split('\t')).toHaveLength(14);
    expect(text(sut.results)).toMatch(/\t\\N\t/);
  });

  it('encodes NaN, infinities, -0 and integers past 2^31 as pg does', () => {
    const batch = new RunBatch(true);
    batch.addTask({ id: 2 ** 40 + 3, size: NaN, computeIntensity: Infinity, memoryRequired: -Infinity, durationEstimate: -0, arrivalTime: 0.1 + 0.2, dependencies: [1, 5] } as Task);
    batch.training.taskId.push(2 ** 40 + 3);
    for (const feature of batch.training.features) feature.push(1e-300);
    batch.training.label.push(NaN);
    batch.training.optimalTime.push(Infinity);

    const sut = encodeBatch(1, batch);

    expect(sut.tasks).toEqual(['{"1099511627779"}', '{"NaN"}', '{"Infinity"}', '{"-Infinity"}', '{"0"}', '{"0.30000000000000004"}', '{"[1,5]"}']);
    expect(sut.training?.slice(-2)).toEqual(['{"NaN"}', '{"Infinity"}']);
    expect(sut.results).toBeNull();
  });

  it('escapes quotes and backslashes in JSON, and writes a window without statistics as NULL', () => {
    const batch = new RunBatch(true);
    const quoted = { note: 'a "quoted" \\ value' } as unknown as StrategyStatsState;
    batch.windows.push(window({ stats: quoted }), window({ schedulerName: 'round_robin', stats: null }));

    const sut = encodeBatch(1, batch);

    expect(sut.windows?.[12]).toBe('{"{\\"note\\":\\"a \\\\\\"quoted\\\\\\" \\\\\\\\ value\\"}",NULL}');
    expect(sut.windows?.[12]).toBe(pgSends([JSON.stringify(quoted), null]));
    expect(sut.windows?.[0]).toBe('{"eft","round_robin"}');
    // Windows alone (a run's last, partial one): no rows of the other tables.
    expect([sut.tasks, sut.results, sut.training, sut.aggregates, sut.rows]).toEqual([null, null, null, null, 2]);
  });

  it('leaves every part of an empty batch null, with nothing to transfer', () => {
    const sut = encodeBatch(1, new RunBatch(true));

    expect(sut).toEqual({ runId: 1, rows: 0, tasks: null, results: null, training: null, windows: null, aggregates: null });
    expect(transferList(sut)).toEqual([]);
  });

  it('moves its COPY text to the receiving thread instead of copying it', () => {
    const batch = stepped(10, true);
    const sut = encodeBatch(2, batch);
    const [buffer] = transferList(sut);
    expect(buffer.byteLength).toBe(sut.results?.byteLength);

    const moved = structuredClone(sut, { transfer: transferList(sut) });

    // Transferred: the sender's buffer is detached, the receiver's holds the text.
    expect(buffer.byteLength).toBe(0);
    expect(text(moved.results)).toBe(copyTextBefore(2, batch));
    expect(moved.tasks).toEqual(encodeBatch(2, batch).tasks);
  });
});
