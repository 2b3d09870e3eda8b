// Reads benchmark (not a test): `npm run bench:reads [-- --sizes 100000,1000000,3000000 --reads 200 --exact-reads 5
// --connections 50 --duration 20]`. Needs a PostgreSQL server (DATABASE_URL, else an embedded one) for a scratch database.
//
// 1. Uncached leaderboard at each size: one completed run of N tasks (7·N result rows) per size. The rows are
//    generated in SQL (deterministic values of (task, strategy); into the table made UNLOGGED, with its indexes
//    dropped and no foreign-key triggers while loading, the indexes rebuilt as the schema has them, then VACUUM
//    ANALYZE); the run's aggregates are built from those rows, read back by COPY,
//    with the engine's StrategyStats and written by the flush's own statement (upsertAggregates). The service
//    runs with CACHE_TTL_S=0, so each GET computes; `--reads` sequential GETs per size, p50 and p99 of
//    latency and the service's CPU per read, for the default (aggregates) and `--exact-reads` of ?exact=true
//    (percentile_cont, O(rows)).
// 2. The continuous run at SIM_TICK_MS=0 (cache on, as deployed) with `--connections` connections reading
//    its leaderboard for `--duration` s: latency p50/p99, req/s, and the run's tasks/s meanwhile.
import { readFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DEFAULT_ENGINE_CONFIG, StrategyStats, type Outcome } from '../src/engine/index.js';
import { encodeAggregates } from '../src/ingest/encoded-batch.js';
import { upsertAggregates } from '../src/ingest/flush-statements.js';
import { scratchDatabase, startApp } from './support/app-process.js';
import { intOption, option } from './support/cpu.js';

const SIZES = option('sizes', '100000,1000000,3000000').split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes must be positive integers, comma-separated');
const READS = intOption('reads', 200);
const EXACT_READS = Number(option('exact-reads', '5'));
const CONNECTIONS = intOption('connections', 50);
const DURATION_S = intOption('duration', 20);
const WARM_TASKS = 5000;
const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'eft', 'oracle'];
const CHUNK = 250_000;

// Deterministic values of (task t, strategy index k): the oracle (k 6) has the base exec time, the
// others up to 50% more, and waits that grow with k; heavy-tailed (log-uniform over 0.05–150 s).
const BASE = `exp(((t::bigint * 2654435761) % 1000003) / 1000003.0::float8 * 8 - 3)`;
const EXEC = `(CASE WHEN k = 6 THEN ${BASE} ELSE ${BASE} * (1 + ((t::bigint * (k + 1) * 40503) % 1009) / 1009.0::float8 * 0.5) END)`;
const WAIT = `(${BASE} * ((t::bigint * (k + 3) * 7919) % 997) / 997.0::float8 * k)`;

async function seedRun(client: pg.Client, tasks: number): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO simulation_state (name, kind, status, seed, config, tasks_processed, tasks_total) VALUES ($1, 'batch', 'completed', 1, '{}', $2, $2) RETURNING id`,
    [`reads-${tasks}`, tasks],
  );
  const runId = rows[0].id;
  for (let from = 0; from < tasks; from += CHUNK) {
    await client.query(
      `INSERT INTO scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time,
                                      start_time, finish_time, energy_consumption, execution_cost, won)
       SELECT $1, t, (ARRAY[${STRATEGIES.map((s) => `'${s}'`).join(', ')}])[k + 1], 0.5, 0.5, 0, e, w, e + w, t * 0.5 + w, t * 0.5 + e + w, 100 * e, 0.0001 * e, k = t % 6
         FROM generate_series($2::int, $3::int) t, generate_series(0, 6) k, LATERAL (SELECT ${EXEC} AS e, ${WAIT} AS w) v`,
      [runId, from, Math.min(tasks, from + CHUNK) - 1],
    );
  }
  return runId;
}

/** The run's aggregates from its rows, with the engine's accumulators and the flush's statement. */
async function buildAggregates(client: pg.Client, runId: number, tasks: number): Promise<void> {
  const stats = new Map(STRATEGIES.map((s) => [s, StrategyStats.create(DEFAULT_ENGINE_CONFIG.stats.relativeAccuracy)]));
  const outcome = { gpuFraction: 0.5, cpuFraction: 0.5, gpuId: 0, startTime: 0, cpuStartTime: 0, gpuStartTime: 0, finishTime: 0 };
  let rest = '';
  const feed = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const [name, completion, exec, wait, energy, cost, won, oracle] = line.split('\t');
        const o: Outcome = { ...outcome, completionTime: +completion, execTime: +exec, waitTime: +wait, energy: +energy, cost: +cost };
        stats.get(name)?.add(o, +oracle, won === 't');
      }
      done();
    },
  });
  const copy = client.query(
    copyTo(
      `COPY (SELECT scheduler_name, completion_time, exec_time, wait_time, energy_consumption, execution_cost, won, ${BASE.replaceAll('t::bigint', 'task_id::bigint')}
               FROM scheduler_results WHERE run_id = ${Number(runId)}) TO STDOUT`,
    ),
  );
  await pipeline(copy, feed);
  const queryable = { query: (text: string, params?: unknown[]) => client.query(text, params) };
  await upsertAggregates(queryable, runId, encodeAggregates({ throughTask: tasks, stats: Object.fromEntries([...stats].map(([name, s]) => [name, s.toJSON()])) }));
}

// CPU time (user + system) a process has used, ms (Linux /proc, 100 ticks a second): on a shared
// machine it moves far less than wall time.
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function latencies(url: string, n: number, pid?: number): Promise<{ p50: number; p99: number; method: string; cpuMs: number }> {
  const cpuBefore = pid ? processCpuMs(pid) : 0;
  const ms: number[] = [];
  let method = '';
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as { percentileMethod: string; items: unknown[] };
    ms.push(performance.now() - started);
    if (res.status !== 200 || body.items.length !== 7) throw new Error(`GET ${url}: ${res.status}`);
    method = body.percentileMethod;
  }
  ms.sort((a, b) => a - b);
  const cpuMs = pid ? (processCpuMs(pid) - cpuBefore) / n : Number.NaN;
  return { p50: ms[Math.floor(0.5 * (n - 1))], p99: ms[Math.floor(0.99 * (n - 1))], method, cpuMs };
}

async function uncached(): Promise<Record<string, unknown>[]> {
  const db = await scratchDatabase('bench_reads');
  const results: Record<string, unknown>[] = [];
  try {
    // Migrate (and check the service starts) before loading.
    await (await startApp(db.url, { CACHE_TTL_S: '0' })).stop();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows: indexes } = await client.query<{ name: string; def: string; pk: boolean }>(
      `SELECT i.indexname AS name, i.indexdef AS def, c.contype = 'p' AS pk FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conname = i.indexname
        WHERE i.tablename = 'scheduler_results'`,
    );
    const loadStarted = performance.now();
    for (const ix of indexes) await client.query(ix.pk ? `ALTER TABLE scheduler_results DROP CONSTRAINT ${ix.name}` : `DROP INDEX ${ix.name}`);
    // Loading only: no WAL for the table and no per-row foreign-key trigger (reads are unaffected by either).
    await client.query('ALTER TABLE scheduler_results SET UNLOGGED');
    await client.query(`SET session_replication_role = replica`);
    const runs: [number, number][] = [];
    for (const tasks of SIZES) runs.push([tasks, await seedRun(client, tasks)]);
    await client.query(`SET session_replication_role = origin`);
    for (const ix of indexes) await client.query(ix.pk ? `ALTER TABLE scheduler_results ADD CONSTRAINT ${ix.name} PRIMARY KEY (run_id, task_id, scheduler_name)` : ix.def);
    await client.query('VACUUM ANALYZE scheduler_results');
    const aggregateMs: number[] = [];
    for (const [tasks, runId] of runs) {
      const started = performance.now();
      await buildAggregates(client, runId, tasks);
      aggregateMs.push(performance.now() - started);
    }
    await client.end();
    console.log(`seeded ${SIZES.join(', ')} tasks (${SIZES.reduce((a, b) => a + b, 0) * 7} result rows) in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`);

    const app = await startApp(db.url, { CACHE_TTL_S: '0', THROTTLE_LIMIT: '1000000' });
    try {
      for (const [i, [tasks, runId]] of runs.entries()) {
        const url = `${app.url}/api/metrics/leaderboard?runId=${runId}`;
        await latencies(url, 5);
        const sketch = await latencies(url, READS, app.child.pid);
        const exact = EXACT_READS > 0 ? await latencies(`${url}&exact=true`, EXACT_READS) : null;
        console.log(
          `  ${String(tasks).padStart(8)} tasks  aggregates (${sketch.method}): p50 ${sketch.p50.toFixed(2)} ms, p99 ${sketch.p99.toFixed(2)} ms, ` +
            `service CPU ${sketch.cpuMs.toFixed(2)} ms a read` +
            (exact ? `   ?exact=true: p50 ${exact.p50.toFixed(1)} ms (${EXACT_READS} reads)` : '') +
            `   aggregate build from the rows ${(aggregateMs[i] / 1000).toFixed(1)} s`,
        );
        results.push({ tasks, p50_ms: +sketch.p50.toFixed(2), p99_ms: +sketch.p99.toFixed(2), cpu_ms: +sketch.cpuMs.toFixed(2), exact_p50_ms: exact ? +exact.p50.toFixed(1) : null });
      }
    } finally {
      await app.stop();
    }
  } finally {
    await db.drop();
  }
  return results;
}

async function continuous(): Promise<Record<string, unknown>> {
  const db = await scratchDatabase('bench_reads_live');
  const app = await startApp(db.url, {
    SIM_AUTOSTART: 'true',
    SIM_TICK_MS: '0',
    THROTTLE_LIMIT: '1000000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  try {
    const status = async () => (await (await fetch(`${app.url}/api/simulation/status`)).json()) as { tasksProcessed: number };
    while ((await status()).tasksProcessed < WARM_TASKS) await new Promise((r) => setTimeout(r, 200));
    const before = await status();
    const started = performance.now();
    const result = await autocannon({ url: `${app.url}/api/metrics/leaderboard`, connections: CONNECTIONS, duration: DURATION_S });
    const seconds = (performance.now() - started) / 1000;
    const after = await status();
    const tasksPerS = (after.tasksProcessed - before.tasksProcessed) / seconds;
    console.log(
      `  continuous run, ${CONNECTIONS} connections on its leaderboard for ${DURATION_S} s: ${result.requests.average.toFixed(0)} req/s, ` +
        `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, errors ${result.errors + result.timeouts}, non-2xx ${result.non2xx}; ` +
        `the run at ${tasksPerS.toFixed(0)} tasks/s meanwhile (${before.tasksProcessed} → ${after.tasksProcessed} tasks)`,
    );
    return { connections: CONNECTIONS, req_per_s: Math.round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99, tasks_per_s: Math.round(tasksPerS) };
  } finally {
    await app.stop();
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(`reads bench: uncached leaderboard at ${SIZES.join(', ')} tasks (${READS} reads each), then the continuous run under ${CONNECTIONS} connections`);
  const sizes = await uncached();
  const live = await continuous();
  console.log(JSON.stringify({ bench: 'reads', sizes, continuous: live }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
