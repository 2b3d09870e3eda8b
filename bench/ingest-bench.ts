// Ingest benchmark (not a test): `npm run bench:ingest [-- --tasks N]`. A generated batch run end to
// end into PostgreSQL through the service, next to a raw COPY of the same result rows into scratch
// tables of the same database: one bare (no index, no constraint) and one with the same indexes
// and constraints as scheduler_results.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { scratchDatabase, startApp, waitForRun } from './support/app-process.js';

const at = process.argv.indexOf('--tasks');
const TASKS = at >= 0 ? Number(process.argv[at + 1]) : 100_000;
if (!Number.isInteger(TASKS) || TASKS < 1) throw new Error('--tasks must be a positive integer');

const COLUMNS = `run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time,
  completion_time, start_time, finish_time, energy_consumption, execution_cost`;

async function copyRows(client: pg.Client, table: string, text: string): Promise<number> {
  const started = performance.now();
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${COLUMNS}) FROM STDIN`)));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const db = await scratchDatabase('bench_ingest');
  // Polling the run's status (every 20 ms) must not meet the rate limit.
  const app = await startApp(db.url, { THROTTLE_LIMIT: '1000000' });
  // Every measurement starts with nothing left for the checkpointer to write meanwhile.
  // (Needs superuser or pg_checkpoint; else skipped.)
  const checkpoint = (client: pg.Client) => client.query('CHECKPOINT').catch((e: Error) => console.log(`  (no CHECKPOINT: ${e.message})`));
  try {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await checkpoint(admin);
    await admin.end();
    const started = performance.now();
    const res = await fetch(`${app.url}/api/simulation/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'batch', tasks: TASKS, seed: 7 }),
    });
    const { id } = (await res.json()) as { id: number };
    // While the batch runs, the API must stay responsive: a GET /health every 20 ms, as a prober would.
    const healthMs: number[] = [];
    let running = true;
    const probe = (async () => {
      while (running) {
        const t = performance.now();
        await fetch(`${app.url}/health`);
        healthMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const runMs = await waitForRun(app.url, id, started);
    running = false;
    await probe;
    healthMs.sort((a, b) => a - b);
    const pct = (q: number) => healthMs[Math.min(healthMs.length - 1, Math.floor(q * healthMs.length))];
    await app.stop();

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const [{ n: rows }] = (await client.query('SELECT count(*)::int AS n FROM scheduler_results WHERE run_id = $1', [id])).rows;
    // The same rows as COPY text, read back from the run.
    let text = '';
    const out = client.query(copyTo(`COPY (SELECT ${COLUMNS} FROM scheduler_results WHERE run_id = ${id}) TO STDOUT`));
    for await (const chunk of out) text += chunk.toString();
    await client.query('CREATE TABLE bench_copy_bare (LIKE scheduler_results INCLUDING DEFAULTS)');
    await client.query('CREATE TABLE bench_copy_same (LIKE scheduler_results INCLUDING ALL)');
    await checkpoint(client);
    const bareMs = await copyRows(client, 'bench_copy_bare', text);
    await checkpoint(client);
    const sameMs = await copyRows(client, 'bench_copy_same', text);
    await client.end();

    const tasksPerS = TASKS / (runMs / 1000);
    const rowsPerS = rows / (runMs / 1000);
    const copyRowsPerS = rows / (bareMs / 1000);
    const copySameRowsPerS = rows / (sameMs / 1000);
    console.log(`ingest bench: ${TASKS} tasks, ${rows} result rows (plus ${TASKS} tasks, ${TASKS} training rows, windows, checkpoints)`);
    console.log(`  batch run end to end    ${(runMs / 1000).toFixed(2)} s   ${Math.round(tasksPerS)} tasks/s   ${Math.round(rowsPerS)} result rows/s`);
    console.log(`  GET /health during the run: ${healthMs.length} requests, p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms`);
    console.log(`  COPY into a bare table  ${(bareMs / 1000).toFixed(2)} s   ${Math.round(copyRowsPerS)} rows/s   ratio ${(rowsPerS / copyRowsPerS).toFixed(2)}`);
    console.log(`  COPY, same indexes      ${(sameMs / 1000).toFixed(2)} s   ${Math.round(copySameRowsPerS)} rows/s   ratio ${(rowsPerS / copySameRowsPerS).toFixed(2)}`);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        tasks_per_s: Math.round(tasksPerS),
        rows_per_s: Math.round(rowsPerS),
        copy_rows_per_s: Math.round(copyRowsPerS),
        ratio: Number((rowsPerS / copyRowsPerS).toFixed(3)),
        copy_same_indexes_rows_per_s: Math.round(copySameRowsPerS),
        ratio_same_indexes: Number((rowsPerS / copySameRowsPerS).toFixed(3)),
        health_p99_ms: Number(pct(0.99).toFixed(1)),
      }),
    );
  } finally {
    if (app.child.exitCode === null) await app.stop();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
