import { RunBatch, type AggregatesSnapshot, type WindowRow } from '../../../ingest/run-batch.js';

const TASK_COLUMNS = ['taskId', 'size', 'computeIntensity', 'memoryRequired', 'durationEstimate', 'arrivalTime'] as const;
const RESULT_COLUMNS = ['taskId', 'gpuFraction', 'cpuFraction', 'execTime', 'waitTime', 'completionTime', 'startTime', 'finishTime', 'energy', 'cost'] as const;
const TRAINING_COLUMNS = ['taskId', 'label', 'optimalTime'] as const;

/**
 * A RunBatch as it crosses between threads: every numeric column in one Float64Array (integers up
 * to 2^53 are exact in it), whose buffer is transferred rather than copied; the strings, the
 * booleans, the metric windows and the aggregates are small and are cloned.
 */
export interface PackedBatch {
  withTasks: boolean;
  /** Tasks, result rows and training rows: the lengths of the three column groups. */
  counts: [number, number, number];
  numbers: Float64Array;
  dependencies: string[];
  schedulerName: string[];
  /** 1 won, 0 lost. */
  won: Uint8Array;
  windows: WindowRow[];
  aggregates: AggregatesSnapshot | null;
}

/** Packs `batch`; pass `transferList(packed)` to postMessage so its buffers move instead of being copied. */
export function packBatch(batch: RunBatch): PackedBatch {
  const t = batch.tasks;
  const r = batch.results;
  const l = batch.training;
  const counts: [number, number, number] = [t.taskId.length, r.taskId.length, l.taskId.length];
  const columns = TASK_COLUMNS.length * counts[0] + (RESULT_COLUMNS.length + 1) * counts[1] + (TRAINING_COLUMNS.length + l.features.length) * counts[2];
  const numbers = new Float64Array(columns);
  let at = 0;
  const put = (column: readonly number[]) => {
    numbers.set(column, at);
    at += column.length;
  };
  for (const name of TASK_COLUMNS) put(t[name]);
  for (const name of RESULT_COLUMNS) put(r[name]);
  // A machine's index, or no GPU (NaN, which no index is).
  for (const id of r.gpuId) numbers[at++] = id ?? NaN;
  for (const name of TRAINING_COLUMNS) put(l[name]);
  for (const feature of l.features) put(feature);
  return {
    withTasks: batch.withTasks,
    counts,
    numbers,
    dependencies: t.dependencies,
    schedulerName: r.schedulerName,
    won: Uint8Array.from(r.won, (w) => (w ? 1 : 0)),
    windows: batch.windows,
    aggregates: batch.aggregates,
  };
}

/** The buffers of a packed batch, to be moved to the receiving thread. */
export function transferList(packed: PackedBatch): ArrayBuffer[] {
  return [packed.numbers.buffer as ArrayBuffer, packed.won.buffer as ArrayBuffer];
}

/** The RunBatch `packed` was made from. */
export function unpackBatch(packed: PackedBatch): RunBatch {
  const batch = new RunBatch(packed.withTasks);
  const [tasks, results, training] = packed.counts;
  const numbers = packed.numbers;
  let at = 0;
  // A plain loop: Array.from over a typed array goes through its iterator, several times slower.
  const take = (n: number): number[] => {
    const column = new Array<number>(n);
    for (let i = 0; i < n; i++) column[i] = numbers[at + i];
    at += n;
    return column;
  };
  for (const name of TASK_COLUMNS) batch.tasks[name] = take(tasks);
  batch.tasks.dependencies = packed.dependencies;
  for (const name of RESULT_COLUMNS) batch.results[name] = take(results);
  const gpuId: (number | null)[] = take(results);
  for (let i = 0; i < gpuId.length; i++) if (Number.isNaN(gpuId[i])) gpuId[i] = null;
  batch.results.gpuId = gpuId;
  batch.results.schedulerName = packed.schedulerName;
  batch.results.won = Array.from(packed.won, (w) => w === 1);
  for (const name of TRAINING_COLUMNS) batch.training[name] = take(training);
  batch.training.features = batch.training.features.map(() => take(training));
  batch.windows = packed.windows;
  batch.aggregates = packed.aggregates;
  return batch;
}
