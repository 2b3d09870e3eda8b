// HTTP benchmark (not a test): `npm run bench:http`. Needs a PostgreSQL server (DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres) to create a scratch database in; uses REDIS_URL when set.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import pidusage from 'pidusage';
import { freePort } from '../test/support/ports.js';
import { startApp } from './support/app-process.js';
import { parseAssignments } from './support/cpu.js';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 50;
// The cached leaderboard's tail latency is measured over this long in one go, so that several
// CACHE_TTL_S expiries (and, for the continuous run, a flush every second) fall inside it.
const TAIL_S = Number(process.env.BENCH_TAIL_S ?? 30);
// The continuous run is given the seeded run's tasks as history (under task ids from here on, which
// it never reaches), so that its leaderboard costs what a long-running one's does.
const HISTORY_TASK_OFFSET = 1_000_000_000;
// Unmeasured load before each measurement, so that every server is measured with its hot paths compiled.
const WARMUP_S = 2;
// The compared servers (bare, /health, cached leaderboard) take turns in slices of DURATION_S / SLICES.
const SLICES = Number(process.env.BENCH_SLICES ?? 5);
// A/B mode: `BENCH_COMPARE='HTTP_FAST_PATH=false'` starts a second app on the same database with these
// variables on top, and measures only the turns (bare, then /health and the cached leaderboard of
// app A and app B), so that both apps see the same drift of the machine. Prints one JSON line.
const COMPARE = process.env.BENCH_COMPARE;
// Variables on top for every app the bench starts (`BENCH_APP_ENV='HTTP_FAST_PATH=false'`).
const APP_ENV = process.env.BENCH_APP_ENV ?? '';

const STRATEGIES = `(VALUES (1,'round_robin',3.0),(2,'random',2.5),(3,'greedy',1.5),(4,'hybrid_ml',0.8),(5,'rl_agent',1.2),(6,'oracle',0.5),(7,'eft',0.6)) st(ord, name, wk)`;
// A plausible run after the machine model of DESIGN.md: $1 = run id, $2 = tasks.
const SEED_TASKS = `
  CREATE TEMP TABLE g AS
  SELECT i, sz AS size, ci, mem, (sz/1000.0)^1.5/(ci+0.5) AS t, 1+3*ci AS s, mem/16000.0 AS c, i*0.5 AS arrival
  FROM (SELECT i, sz, ci, least(5000, greatest(10, sz/10000.0*5000 + (random()-0.5)*1000)) AS mem
        FROM (SELECT i, least(10000, floor(100*power(1-random(), -1/1.5)))::int AS sz,
                     least(1, greatest(0.05, CASE WHEN random()<0.3 THEN 0.2 ELSE 0.8 END + (random()-0.5)*0.3)) AS ci
              FROM generate_series(0, $2::int - 1) i) a) b;
  INSERT INTO tasks (run_id, task_id, size, compute_intensity, memory_required, duration_estimate, arrival_time)
  SELECT $1, i, size, ci, mem, t, arrival FROM g ORDER BY i;`;
const SEED_RESULTS = `
  INSERT INTO scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time,
                                 start_time, finish_time, energy_consumption, execution_cost)
  SELECT $1, i, name, f, 1-f, CASE WHEN f>0 THEN i % 4 END, ex, w, ex+w, arrival+w, arrival+w+ex, 100*cpu + 200*gpu, 0.00002*cpu + 0.0001*gpu
  FROM (SELECT i, name, f, arrival, (1-f)*t AS cpu, CASE WHEN f>0 THEN f*t/s + c ELSE 0 END AS gpu,
               greatest((1-f)*t, CASE WHEN f>0 THEN f*t/s + c ELSE 0 END) AS ex, random()*wk*t AS w
        FROM (SELECT g.*, st.name, st.ord, st.wk,
                     CASE st.name WHEN 'round_robin' THEN CASE WHEN i % 5 = 0 THEN 0 ELSE 1 END WHEN 'random' THEN random()
                       WHEN 'greedy' THEN ci WHEN 'hybrid_ml' THEN least(1, greatest(0, fs + (random()-0.5)*0.1))
                       WHEN 'rl_agent' THEN round(random()*5)/5 WHEN 'oracle' THEN fs ELSE round(fs*20)/20 END AS f
              FROM (SELECT g.*, CASE WHEN c >= t THEN 0 ELSE s*(t-c)/(t*(1+s)) END AS fs FROM g) g CROSS JOIN ${STRATEGIES}
              ORDER BY i, st.ord) x) y;`;

// As the run writer does: a task's win goes to the non-oracle strategies with its smallest completion time.
const SEED_WINS = `
  UPDATE scheduler_results r SET won = true
    FROM (SELECT task_id, min(completion_time) AS best FROM scheduler_results WHERE run_id = $1 AND scheduler_name <> 'oracle' GROUP BY task_id) b
   WHERE r.run_id = $1 AND r.task_id = b.task_id AND r.scheduler_name <> 'oracle' AND r.completion_time = b.best`;

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    if ((await fetch(url).catch(() => undefined))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not 200 within ${timeoutMs} ms`);
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  // For the long measurements, where one slow second is a small share of the requests.
  tail?: { p999: number; max: number };
  non2xx: number;
  // The server process's CPU time (user + system) per request, when its pid is known.
  cpuUs?: number;
}

// pid: the server's process, for its CPU time.
type Target = { name: string; url: string; pid?: number; request?: Partial<autocannon.Options> };

function report(figures: Figures): Figures {
  const cpu = figures.cpuUs === undefined ? '' : `  CPU ${figures.cpuUs.toFixed(1)} µs/req`;
  const tail = figures.tail ? `  p99.9 ${figures.tail.p999} ms  max ${figures.tail.max} ms` : '';
  console.log(`  ${figures.name.padEnd(34)} ${figures.rps.toFixed(0).padStart(7)} req/s  p50 ${String(figures.p50).padStart(4)} ms  p99 ${String(figures.p99).padStart(4)} ms${tail}  non-2xx/errors ${figures.non2xx}${cpu}`);
  return figures;
}

/** CPU time (user + system) a process has used so far, in ms; 0 without a pid. */
async function cpuMs(pid: number | undefined): Promise<number> {
  return pid === undefined ? 0 : (await pidusage(pid)).ctime;
}

async function load({ name, url, request = {} }: Target, duration = DURATION_S, withTail = false): Promise<Figures> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, ...request });
  const result = await autocannon({ url, connections: CONNECTIONS, duration, ...request });
  const tail = withTail ? { tail: { p999: result.latency.p99_9, max: result.latency.max } } : {};
  return report({ name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ...tail, non2xx: result.non2xx + result.errors });
}

/**
 * Each target's DURATION_S of load in SLICES slices, round after round (target 1, target 2, …,
 * target 1, …), after WARMUP_S each. This machine's speed drifts by up to 2× within a minute (it
 * is a shared VM), and the ratios compare servers measured at different times: interleaved, every
 * target sees the same drift. req/s over all its slices; p50 the median of its slices' p50s, p99
 * the worst slice's. CPU time per request over all its slices: unlike req/s, it does not depend on
 * how fast the load generator, which shares the machine, keeps up.
 */
async function interleaved(targets: Target[]): Promise<Figures[]> {
  for (const { url, request } of targets) await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, ...request });
  const slices = targets.map(() => [] as autocannon.Result[]);
  const cpu = targets.map(() => 0);
  for (let round = 0; round < SLICES; round++) {
    for (const [i, { url, pid, request }] of targets.entries()) {
      const before = await cpuMs(pid);
      slices[i].push(await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S / SLICES, ...request }));
      cpu[i] += (await cpuMs(pid)) - before;
    }
  }
  return targets.map(({ name, pid }, i) => {
    const results = slices[i];
    const requests = results.reduce((sum, r) => sum + r.requests.total, 0);
    const p50s = results.map((r) => r.latency.p50).sort((a, b) => a - b);
    return report({
      name,
      rps: requests / results.reduce((sum, r) => sum + r.duration, 0),
      p50: p50s[Math.floor(p50s.length / 2)],
      p99: Math.max(...results.map((r) => r.latency.p99)),
      non2xx: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
      ...(pid === undefined ? {} : { cpuUs: (cpu[i] * 1000) / requests }),
    });
  });
}

const round1 = (x: number | undefined) => (x === undefined ? null : Number(x.toFixed(1)));

/** How many flushes the app has committed so far (its Prometheus histogram's count). */
async function flushes(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^simulation_flush_duration_seconds_count(?:\{[^}]*\})?\s+(\d+)/m.exec(text)?.[1] ?? 0);
}

/** Median time of `n` requests to `url` one after another (after two unmeasured). */
async function sequentialMedianMs(url: string, n: number, init?: RequestInit): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const started = performance.now();
    const res = await fetch(url, init);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 2) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const name = `hms_bench_${process.pid}_${Date.now().toString(36)}`;
  const dbUrl = new URL(SERVER_URL);
  dbUrl.pathname = `/${name}`;
  const databaseUrl = dbUrl.toString();
  await admin(`CREATE DATABASE ${name}`);
  const children: ChildProcess[] = [];
  try {
    // The app as a user starts it (and later a second one on the same database, with the cache off).
    // The rate limit stays on, at its highest (a million a second): it is counted, never reached.
    // The two apps share its counters in Redis; a minute's window would fill up on a fast machine.
    const app = async (env: Record<string, string> = {}): Promise<{ url: string; pid?: number }> => {
      const started = await startApp(databaseUrl, { HOST: '127.0.0.1', THROTTLE_LIMIT: '1000000', THROTTLE_TTL_S: '1', ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}), ...parseAssignments(APP_ENV), ...env });
      children.push(started.child);
      return { url: started.url, pid: started.child.pid };
    };
    const { url: base, pid: appPid } = await app();

    console.log(`seeding ${TASKS} tasks and ${TASKS * 7} results into ${name} ...`);
    const seeder = new pg.Client({ connectionString: databaseUrl });
    await seeder.connect();
    const { rows } = await seeder.query<{ id: number }>(`INSERT INTO simulation_state (name, kind, status, seed, config, tasks_processed, tasks_total) VALUES ('bench', 'continuous', 'stopped', 42, '{}', $1, $1) RETURNING id`, [TASKS]);
    const runId = rows[0].id;
    await seeder.query('SELECT setseed(0.42)');
    // Our own integers, inlined: CREATE TABLE AS takes no bind parameters.
    const inline = (sql: string) => sql.replaceAll('$1', String(runId)).replaceAll('$2', String(TASKS));
    await seeder.query(inline(SEED_TASKS));
    await seeder.query(inline(SEED_RESULTS));
    await seeder.query(inline(SEED_WINS));
    await seeder.query('VACUUM ANALYZE');
    // Write the seeded pages out now: otherwise the checkpointer spreads ~1 GB of writes over the
    // first measurements, on the same two cores. (Needs superuser or pg_checkpoint; else skipped.)
    await seeder.query('CHECKPOINT').catch((e: Error) => console.log(`  (no CHECKPOINT: ${e.message})`));
    await seeder.end();

    const barePort = await freePort();
    const bareBody = JSON.stringify({ status: 'ok', service: 'bare node:http', padding: 'x'.repeat(140) });
    const bare = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'application/json' }); s.end(${JSON.stringify(bareBody)}); }).listen(${barePort}, '127.0.0.1')`], { stdio: 'inherit' });
    children.push(bare);
    await waitFor(`http://127.0.0.1:${barePort}/`, bare);

    console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s of warm-up; the first three in turns of ${DURATION_S / SLICES} s (cache: ${process.env.REDIS_URL ? 'redis' : 'memory'})`);
    const leaderboardUrl = `${base}/api/metrics/leaderboard?runId=${runId}`;
    await fetch(leaderboardUrl); // warm the cache
    if (COMPARE !== undefined) {
      const { url: other, pid: otherPid } = await app(parseAssignments(COMPARE));
      const otherLeaderboard = `${other}/api/metrics/leaderboard?runId=${runId}`;
      await fetch(otherLeaderboard);
      const [b, healthA, healthB, boardA, boardB] = await interleaved([
        { name: `bare node:http (${bareBody.length} B)`, url: `http://127.0.0.1:${barePort}/`, pid: bare.pid },
        { name: 'A: GET /health', url: `${base}/health`, pid: appPid },
        { name: `B: GET /health (${COMPARE})`, url: `${other}/health`, pid: otherPid },
        { name: 'A: GET leaderboard (cached)', url: leaderboardUrl, pid: appPid },
        { name: `B: GET leaderboard (cached)`, url: otherLeaderboard, pid: otherPid },
      ]);
      const figures = (f: Figures) => ({ rps: Math.round(f.rps), ratio: Number((f.rps / b.rps).toFixed(3)), p99_ms: f.p99, cpu_us: round1(f.cpuUs) });
      console.log(
        JSON.stringify({
          bench: 'http-compare',
          b: COMPARE,
          bare: figures(b),
          health: { a: figures(healthA), b: figures(healthB) },
          leaderboard: { a: figures(boardA), b: figures(boardB) },
        }),
      );
      return;
    }
    const [bareFig, health, leaderboard] = await interleaved([
      { name: `bare node:http (${bareBody.length} B)`, url: `http://127.0.0.1:${barePort}/`, pid: bare.pid },
      { name: 'GET /health', url: `${base}/health`, pid: appPid },
      { name: 'GET /api/metrics/leaderboard (cached)', url: leaderboardUrl, pid: appPid },
    ]);
    await load({ name: '  … without runId (continuous run)', url: `${base}/api/metrics/leaderboard` });
    // Tail latency at the default CACHE_TTL_S: every expiry falls inside the measurement.
    const tailCompleted = await load({ name: `GET leaderboard (cached), ${TAIL_S} s, completed run`, url: leaderboardUrl }, TAIL_S, true);
    await load({ name: 'GET /api/results/comparative?limit=50', url: `${base}/api/results/comparative?runId=${runId}&limit=50` });
    const uncachedUrl = `${(await app({ CACHE_TTL_S: '0' })).url}/api/metrics/leaderboard?runId=${runId}`;
    await load({ name: 'GET /api/metrics/leaderboard (cache off)', url: uncachedUrl });
    const uncached = await sequentialMedianMs(uncachedUrl, 10);
    console.log(`  … one at a time (median of 10)    ${uncached.toFixed(0).padStart(7)} ms over ${TASKS * 7} results`);
    // Advice is given on the continuous run's machine state: start one (it becomes the run without runId).
    const started = await fetch(`${base}/api/simulation/start`, { method: 'POST' });
    if (started.status >= 300) throw new Error(`POST /api/simulation/start: ${started.status}`);
    // At the default tick (SIM_TICK_MS=500) and flush interval (SIM_FLUSH_MS=1000) the continuous run
    // flushes every second, and each flush makes its cached reads stale. With the seeded run's
    // tasks as its history, its leaderboard takes as long to compute as the completed run's.
    const continuousId = ((await (await fetch(`${base}/api/simulation/status`)).json()) as { runId: number }).runId;
    console.log(`giving the continuous run ${continuousId} a history of ${TASKS} tasks ...`);
    const history = new pg.Client({ connectionString: databaseUrl });
    await history.connect();
    await history.query(
      `INSERT INTO tasks (run_id, task_id, size, compute_intensity, memory_required, duration_estimate, arrival_time)
       SELECT $1, task_id + ${HISTORY_TASK_OFFSET}, size, compute_intensity, memory_required, duration_estimate, arrival_time FROM tasks WHERE run_id = $2`,
      [continuousId, runId],
    );
    await history.query(
      `INSERT INTO scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time,
                                      start_time, finish_time, energy_consumption, execution_cost, won)
       SELECT $1, task_id + ${HISTORY_TASK_OFFSET}, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time,
              start_time, finish_time, energy_consumption, execution_cost, won FROM scheduler_results WHERE run_id = $2`,
      [continuousId, runId],
    );
    await history.query('VACUUM ANALYZE tasks, scheduler_results');
    await history.end();
    const continuousUrl = `${base}/api/metrics/leaderboard?runId=${continuousId}`;
    await fetch(continuousUrl); // warm the cache
    const flushesBefore = await flushes(base);
    const tailContinuous = await load({ name: `GET leaderboard (cached), ${TAIL_S} s, continuous run`, url: continuousUrl }, TAIL_S, true);
    const flushed = (await flushes(base)) - flushesBefore;
    console.log(`  … the continuous run flushed ${flushed} times meanwhile (${TAIL_S + WARMUP_S} s with the warm-up)`);
    const advice = {
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 800, computeIntensity: 0.7, memoryRequired: 1200, weights: { time: 1, energy: 0.2 } }),
    };
    await load({ name: 'POST /api/tasks/placement', url: `${base}/api/tasks/placement`, request: advice });
    const placementMs = await sequentialMedianMs(`${base}/api/tasks/placement`, 200, advice);
    console.log(`  … one at a time (median of 200)   ${placementMs.toFixed(2).padStart(7)} ms`);
    console.log(
      JSON.stringify({
        bench: 'http',
        health_ratio: Number((health.rps / bareFig.rps).toFixed(3)),
        leaderboard_ratio: Number((leaderboard.rps / bareFig.rps).toFixed(3)),
        leaderboard_p99_ms: leaderboard.p99,
        // Over TAIL_S in one go at the default CACHE_TTL_S: the completed run, and the continuous run flushing every second.
        leaderboard_tail_p99_ms: { completed: tailCompleted.p99, continuous: tailContinuous.p99, continuous_flushes: flushed },
        leaderboard_tail_max_ms: { completed: tailCompleted.tail?.max, continuous: tailContinuous.tail?.max },
        leaderboard_uncached_ms: Math.round(uncached),
        placement_p50_ms: Number(placementMs.toFixed(2)),
        // CPU time per request of each server (µs): the ratios without the load generator's share.
        cpu_us: { bare: round1(bareFig.cpuUs), health: round1(health.cpuUs), leaderboard: round1(leaderboard.cpuUs) },
      }),
    );
  } finally {
    pidusage.clear();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
