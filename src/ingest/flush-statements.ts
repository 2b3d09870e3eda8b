import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { execute, type Queryable } from '../database/sql.js';
import { ORACLE_STRATEGY_NAME } from '../engine/index.js';
import type { AggregatesSnapshot, RunBatch } from './run-batch.js';

// The statements of one flush, run inside its transaction by IngestRepository.flush: bulk
// inserts (unnest, or COPY for results) that skip rows already stored.

/** A batch's rows: its tasks (generated runs), every strategy's results, the labels and any closed windows. */
export async function writeBatch(m: EntityManager, runId: number, batch: RunBatch, copyResults: boolean): Promise<void> {
  if (batch.size > 0) {
    if (batch.withTasks) await insertTasks(m, runId, batch);
    if (copyResults) await copyResultRows(m, runId, batch);
    else await insertResults(m, runId, batch);
    await insertTraining(m, runId, batch);
  }
  if (batch.windows.length > 0) await insertWindows(m, runId, batch);
}

// Indices into StrategyStatsState.sums: completion, exec, wait, energy, cost, regret.
const SUMS = 6;

/**
 * Every strategy's accumulators, as a snapshot (not an increment): a replayed flush writes the
 * same state again, and one from before the stored state (a resumed run replaying committed
 * tasks) changes nothing, so nothing is ever counted twice. It locks the run's aggregate rows: a
 * flush runs it only once the flush before it has committed (see IngestRepository.flush), or two
 * flushes in flight would each wait for the other.
 */
export async function upsertAggregates(m: Queryable, runId: number, snapshot: AggregatesSnapshot): Promise<void> {
  const entries = Object.entries(snapshot.stats);
  const sum = (i: number) => entries.map(([, s]) => s.sums[i]);
  await execute(
    m,
    `INSERT INTO strategy_aggregates (run_id, through_task, scheduler_name, tasks, sum_completion, sum_exec, sum_wait, sum_energy, sum_cost,
                                      sum_regret, wins, losses, state)
     SELECT $1, $2, u.* FROM unnest($3::varchar[], $4::int[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[],
                                    $11::int[], $12::int[], $13::text[]::jsonb[]) AS u
     ON CONFLICT (run_id, scheduler_name) DO UPDATE SET
       through_task = EXCLUDED.through_task, tasks = EXCLUDED.tasks, sum_completion = EXCLUDED.sum_completion, sum_exec = EXCLUDED.sum_exec,
       sum_wait = EXCLUDED.sum_wait, sum_energy = EXCLUDED.sum_energy, sum_cost = EXCLUDED.sum_cost, sum_regret = EXCLUDED.sum_regret,
       wins = EXCLUDED.wins, losses = EXCLUDED.losses, state = EXCLUDED.state
     WHERE strategy_aggregates.through_task < EXCLUDED.through_task`,
    [
      runId,
      snapshot.throughTask,
      entries.map(([name]) => name),
      entries.map(([, s]) => s.count),
      ...Array.from({ length: SUMS }, (_, i) => sum(i)),
      entries.map(([, s]) => s.wins),
      // Every non-oracle result that is not a win lost to another strategy on its task.
      entries.map(([name, s]) => (name === ORACLE_STRATEGY_NAME ? 0 : s.count - s.wins)),
      entries.map(([, s]) => JSON.stringify(s)),
    ],
  );
}

/** A batch's tasks (trace runs store theirs up front with it too). */
export async function insertTasks(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
  const t = b.tasks;
  await execute(
    m,
    `INSERT INTO tasks (run_id, task_id, size, compute_intensity, memory_required, duration_estimate, arrival_time, dependencies)
     SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::text[]::jsonb[]) AS u
     ON CONFLICT (run_id, task_id) DO NOTHING`,
    [runId, t.taskId, t.size, t.computeIntensity, t.memoryRequired, t.durationEstimate, t.arrivalTime, t.dependencies],
  );
}

async function insertResults(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
  const r = b.results;
  await execute(
    m,
    `INSERT INTO scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time,
                                    completion_time, start_time, finish_time, energy_consumption, execution_cost, won)
     SELECT $1, u.* FROM unnest($2::int[], $3::varchar[], $4::float8[], $5::float8[], $6::smallint[], $7::float8[], $8::float8[],
                                $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::boolean[]) AS u
     ON CONFLICT (run_id, task_id, scheduler_name) DO NOTHING`,
    [runId, r.taskId, r.schedulerName, r.gpuFraction, r.cpuFraction, r.gpuId, r.execTime, r.waitTime, r.completionTime, r.startTime, r.finishTime, r.energy, r.cost, r.won],
  );
}

async function copyResultRows(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
  const client = (await m.queryRunner!.connect()) as PoolClient;
  const stream = client.query(
    copyFrom(
      `COPY scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time,
                               completion_time, start_time, finish_time, energy_consumption, execution_cost, won) FROM STDIN`,
    ),
  );
  await pipeline(Readable.from(resultLines(runId, b)), stream);
}

async function insertTraining(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
  const t = b.training;
  const [size, ci, mem, mps, ctm] = t.features;
  await execute(
    m,
    `INSERT INTO training_data (run_id, task_id, size, compute_intensity, memory_required, memory_per_size, compute_to_memory,
                                optimal_gpu_fraction, optimal_time)
     SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]) AS u
     ON CONFLICT (run_id, task_id) DO NOTHING`,
    [runId, t.taskId, size, ci, mem, mps, ctm, t.label, t.optimalTime],
  );
}

async function insertWindows(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
  const col = <K extends keyof RunBatch['windows'][number]>(k: K) => b.windows.map((w) => w[k]);
  await execute(
    m,
    `INSERT INTO metrics (run_id, scheduler_name, window_start, window_end, total_tasks, total_time, avg_time, min_time, max_time,
                          total_energy, total_cost, wins, losses, stats)
     SELECT $1, u.* FROM unnest($2::varchar[], $3::int[], $4::int[], $5::int[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
                                $10::float8[], $11::float8[], $12::int[], $13::int[], $14::text[]::jsonb[]) AS u
     ON CONFLICT (run_id, scheduler_name, window_start) DO NOTHING`,
    [
      runId,
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
      b.windows.map((w) => (w.stats === null ? null : JSON.stringify(w.stats))),
    ],
  );
}

const LINES_PER_CHUNK = 1000;

/** The results of a batch as COPY text lines (numbers print exactly; null is \\N), a chunk at a time. */
function* resultLines(runId: number, b: RunBatch): Generator<string> {
  const r = b.results;
  let chunk = '';
  for (let i = 0; i < r.taskId.length; i++) {
    const gpu = r.gpuId[i] === null ? '\\N' : String(r.gpuId[i]);
    chunk += `${runId}\t${r.taskId[i]}\t${r.schedulerName[i]}\t${r.gpuFraction[i]}\t${r.cpuFraction[i]}\t${gpu}\t${r.execTime[i]}\t${r.waitTime[i]}\t${r.completionTime[i]}\t${r.startTime[i]}\t${r.finishTime[i]}\t${r.energy[i]}\t${r.cost[i]}\t${r.won[i] ? 't' : 'f'}\n`;
    if ((i + 1) % LINES_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
