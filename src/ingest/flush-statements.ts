import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { execute, type Queryable } from '../database/sql.js';
import { RESULT_COLUMNS, type EncodedBatch, type TaskParams } from './encoded-batch.js';

// The statements of one flush, run inside its transaction by IngestRepository.flush: bulk
// inserts (unnest, or COPY for results) that skip rows already stored. Their parameters come
// encoded (encoded-batch.ts): nothing here builds a row.

/**
 * A batch's rows: its tasks (generated runs), every strategy's results, the labels and any closed
 * windows. Results go by COPY straight into their table when none of them can exist yet
 * (`copyResults`); otherwise by COPY into a temporary table and INSERT … ON CONFLICT DO NOTHING
 * from there, so both ways read the same COPY text.
 */
export async function writeBatch(m: EntityManager, batch: EncodedBatch, copyResults: boolean): Promise<void> {
  const runId = batch.runId;
  if (batch.tasks) await insertTasks(m, runId, batch.tasks);
  if (batch.results) {
    if (copyResults) await copyResultRows(m, 'scheduler_results', batch.results);
    else await insertResults(m, batch.results);
  }
  if (batch.training) await insertTraining(m, runId, batch.training);
  if (batch.windows) await insertWindows(m, runId, batch.windows);
}

/**
 * Every strategy's accumulators, as a snapshot (not an increment): a replayed flush writes the
 * same state again, and one from before the stored state (a resumed run replaying committed
 * tasks) changes nothing, so nothing is ever counted twice. It locks the run's aggregate rows: a
 * flush runs it only once the flush before it has committed (see IngestRepository.flush), or two
 * flushes in flight would each wait for the other.
 */
export async function upsertAggregates(m: Queryable, runId: number, aggregates: NonNullable<EncodedBatch['aggregates']>): Promise<void> {
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
    [runId, aggregates.throughTask, ...aggregates.params],
  );
}

/** A batch's tasks (trace runs store theirs up front with it too). */
export async function insertTasks(m: Queryable, runId: number, params: TaskParams): Promise<void> {
  await execute(
    m,
    `INSERT INTO tasks (run_id, task_id, size, compute_intensity, memory_required, duration_estimate, arrival_time, dependencies)
     SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::text[]::jsonb[]) AS u
     ON CONFLICT (run_id, task_id) DO NOTHING`,
    [runId, ...params],
  );
}

async function copyResultRows(m: EntityManager, table: string, text: Uint8Array): Promise<void> {
  const client = (await m.queryRunner!.connect()) as PoolClient;
  const stream = client.query(copyFrom(`COPY ${table} (${RESULT_COLUMNS}) FROM STDIN`));
  // A view of the text's own buffer, written as it is: no copy on this thread.
  await pipeline(Readable.from([Buffer.from(text.buffer, text.byteOffset, text.byteLength)]), stream);
}

// The temporary table lives until the transaction ends (committed or rolled back), on its connection only.
async function insertResults(m: EntityManager, text: Uint8Array): Promise<void> {
  await execute(m, `CREATE TEMPORARY TABLE flush_results ON COMMIT DROP AS SELECT ${RESULT_COLUMNS} FROM scheduler_results WITH NO DATA`);
  await copyResultRows(m, 'flush_results', text);
  await execute(
    m,
    `INSERT INTO scheduler_results (${RESULT_COLUMNS}) SELECT ${RESULT_COLUMNS} FROM flush_results
     ON CONFLICT (run_id, task_id, scheduler_name) DO NOTHING`,
  );
}

async function insertTraining(m: EntityManager, runId: number, params: string[]): Promise<void> {
  await execute(
    m,
    `INSERT INTO training_data (run_id, task_id, size, compute_intensity, memory_required, memory_per_size, compute_to_memory,
                                optimal_gpu_fraction, optimal_time)
     SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]) AS u
     ON CONFLICT (run_id, task_id) DO NOTHING`,
    [runId, ...params],
  );
}

async function insertWindows(m: EntityManager, runId: number, params: string[]): Promise<void> {
  await execute(
    m,
    `INSERT INTO metrics (run_id, scheduler_name, window_start, window_end, total_tasks, total_time, avg_time, min_time, max_time,
                          total_energy, total_cost, wins, losses, stats)
     SELECT $1, u.* FROM unnest($2::varchar[], $3::int[], $4::int[], $5::int[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
                                $10::float8[], $11::float8[], $12::int[], $13::int[], $14::text[]::jsonb[]) AS u
     ON CONFLICT (run_id, scheduler_name, window_start) DO NOTHING`,
    [runId, ...params],
  );
}
