import pgUtils from 'pg/lib/utils.js';
import { ORACLE_STRATEGY_NAME } from '../engine/index.js';
import type { AggregatesSnapshot, RunBatch } from './run-batch.js';

// A flush's rows in the form PostgreSQL reads them, built on the thread that stepped the run
// (its worker thread, or the main thread without them): the main thread only hands them to pg.
// This module loads no database driver, only pg's parameter encoder.

/** The tasks' unnest parameters ($2…$8 of insertTasks), each a PostgreSQL array literal. */
export type TaskParams = string[];

/**
 * A RunBatch encoded: every unnest parameter is the array literal pg itself would send for the
 * column (its own `prepareValue`), and the results are their COPY text in UTF-8, in a buffer of
 * their own that a postMessage can move instead of copy (see transferList). A part with no rows
 * is null.
 */
export interface EncodedBatch {
  runId: number;
  /** Rows of every table in it (the flush metric's count). */
  rows: number;
  tasks: TaskParams | null;
  /** One line per result: run_id, task_id, scheduler_name, … won (RESULT_COLUMNS' order). */
  results: Uint8Array | null;
  training: string[] | null;
  windows: string[] | null;
  aggregates: { throughTask: number; params: string[] } | null;
}

/** The scheduler_results columns, in the order of the COPY text's fields. */
export const RESULT_COLUMNS =
  'run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time, start_time, finish_time, energy_consumption, execution_cost, won';

const literal = (column: readonly unknown[]): string => pgUtils.prepareValue(column) as string;
const literals = (columns: readonly (readonly unknown[])[]): string[] => columns.map(literal);

/** Encodes `batch` for run `runId`; pass `transferList(encoded)` to postMessage to move its buffer. */
export function encodeBatch(runId: number, batch: RunBatch): EncodedBatch {
  const hasRows = batch.size > 0;
  return {
    runId,
    rows: batch.tasks.taskId.length + batch.results.taskId.length + batch.size + batch.windows.length,
    tasks: hasRows && batch.withTasks ? encodeTasks(batch) : null,
    results: hasRows && batch.results.taskId.length > 0 ? resultsCopyText(runId, batch) : null,
    training: hasRows ? encodeTraining(batch) : null,
    windows: batch.windows.length > 0 ? encodeWindows(batch) : null,
    aggregates: batch.aggregates ? encodeAggregates(batch.aggregates) : null,
  };
}

/** The buffers of an encoded batch, to be moved to the receiving thread. */
export function transferList(encoded: EncodedBatch): ArrayBuffer[] {
  return encoded.results ? [encoded.results.buffer as ArrayBuffer] : [];
}

export function encodeTasks(batch: RunBatch): TaskParams {
  const t = batch.tasks;
  return literals([t.taskId, t.size, t.computeIntensity, t.memoryRequired, t.durationEstimate, t.arrivalTime, t.dependencies]);
}

function encodeTraining(batch: RunBatch): string[] {
  const t = batch.training;
  return literals([t.taskId, ...t.features, t.label, t.optimalTime]);
}

function encodeWindows(batch: RunBatch): string[] {
  const w = batch.windows;
  const col = <K extends keyof (typeof w)[number]>(k: K) => w.map((row) => row[k]);
  return literals([
    col('schedulerName'),
    col('windowStart'),
    col('windowEnd'),
    col('totalTasks'),
    col('totalTime'),
    col('avgTime'),
    col('minTime'),
    col('maxTime'),
    col('totalEnergy'),
    col('totalCost'),
    col('wins'),
    col('losses'),
    w.map((row) => (row.stats === null ? null : JSON.stringify(row.stats))),
  ]);
}

// Indices into StrategyStatsState.sums: completion, exec, wait, energy, cost, regret.
const SUMS = 6;

/** The aggregates' upsert parameters ($3…$13 of upsertAggregates). */
export function encodeAggregates(snapshot: AggregatesSnapshot): NonNullable<EncodedBatch['aggregates']> {
  const entries = Object.entries(snapshot.stats);
  const sum = (i: number) => entries.map(([, s]) => s.sums[i]);
  const params = literals([
    entries.map(([name]) => name),
    entries.map(([, s]) => s.count),
    ...Array.from({ length: SUMS }, (_, i) => sum(i)),
    entries.map(([, s]) => s.wins),
    // Every non-oracle result that is not a win lost to another strategy on its task.
    entries.map(([name, s]) => (name === ORACLE_STRATEGY_NAME ? 0 : s.count - s.wins)),
    entries.map(([, s]) => JSON.stringify(s)),
  ]);
  return { throughTask: snapshot.throughTask, params };
}

/** The results as COPY text lines (numbers print exactly; null is \N), UTF-8. */
function resultsCopyText(runId: number, b: RunBatch): Uint8Array {
  const r = b.results;
  let text = '';
  for (let i = 0; i < r.taskId.length; i++) {
    const gpu = r.gpuId[i] === null ? '\\N' : String(r.gpuId[i]);
    text += `${runId}\t${r.taskId[i]}\t${r.schedulerName[i]}\t${r.gpuFraction[i]}\t${r.cpuFraction[i]}\t${gpu}\t${r.execTime[i]}\t${r.waitTime[i]}\t${r.completionTime[i]}\t${r.startTime[i]}\t${r.finishTime[i]}\t${r.energy[i]}\t${r.cost[i]}\t${r.won[i] ? 't' : 'f'}\n`;
  }
  // TextEncoder, not Buffer.from: a small Buffer is a slice of a shared pool, which must not be transferred.
  return new TextEncoder().encode(text);
}
