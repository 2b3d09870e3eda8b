// Replicas benchmark (not a test): `npm run bench:replicas`. Built service processes on one scratch
// database (DATABASE_URL's server) and, for the queue, REDIS_URL. Prints three tables:
//  1. GET /health latency, idle and while a batch of BENCH_TASKS (100,000) tasks runs on the same replica;
//  2. the continuous run's rate (SIM_TICK_MS=0), alone and under 100 connections of mixed reads;
//  3. batch throughput: BENCH_RUNS runs of BENCH_RUN_TASKS tasks over one worker replica, then two.
// BENCH_TABLES=health,continuous,throughput picks some of them; SIM_WORKER_THREADS is passed to the
// replicas (false: batch runs step on the main thread, to compare). The first two tables say how many
// cores were busy meanwhile: the whole machine, the replica (all its threads) and PostgreSQL.
import autocannon from 'autocannon';
import { scratchDatabase, startApp, waitForRun, type AppProcess } from './support/app-process.js';
import { parseAssignments } from './support/cpu.js';
import { formatCores, measureCores, type CoresUsed } from './support/proc-cpu.js';

const BATCH_TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 4);
const RUN_TASKS = Number(process.env.BENCH_RUN_TASKS ?? 20_000);
const LOAD_S = Number(process.env.BENCH_DURATION_S ?? 10);
const TABLES = new Set((process.env.BENCH_TABLES ?? 'health,continuous,throughput').split(','));
const BASE_ENV = {
  HOST: '127.0.0.1',
  THROTTLE_LIMIT: '1000000',
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  ...(process.env.SIM_WORKER_THREADS ? { SIM_WORKER_THREADS: process.env.SIM_WORKER_THREADS } : {}),
  // Variables on top for every replica (`BENCH_APP_ENV='SIM_FLUSH_TASKS=2000'`).
  ...parseAssignments(process.env.BENCH_APP_ENV ?? ''),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function postRun(base: string, tasks: number, seed: number): Promise<number> {
  const res = await fetch(`${base}/api/simulation/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'batch', tasks, seed }) });
  if (res.status !== 202) throw new Error(`POST runs: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

async function continuousTasks(base: string): Promise<number> {
  return ((await (await fetch(`${base}/api/simulation/status`)).json()) as { tasksProcessed: number }).tasksProcessed;
}

async function health(base: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: `${base}/health`, connections: 10, duration: seconds });
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The main thread's event-loop delay (p99, max) since the previous call: prom-client resets it at each scrape of /metrics. */
async function loopDelay(base: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const seconds = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
  return { p99: 1000 * seconds('nodejs_eventloop_lag_p99_seconds'), max: 1000 * seconds('nodejs_eventloop_lag_max_seconds') };
}

async function healthDuringBatch(): Promise<void> {
  const db = await scratchDatabase('hms_replicas_health');
  const app = await startApp(db.url, BASE_ENV);
  try {
    await loopDelay(app.url);
    const pid = app.child.pid!;
    let cores = measureCores(pid);
    const idle = await health(app.url, 5);
    const idleCores = cores();
    const idleLoop = await loopDelay(app.url);
    const since = performance.now();
    const id = await postRun(app.url, BATCH_TASKS, 7);
    // Measured while the batch runs (it takes longer than this on this machine).
    await sleep(500);
    await loopDelay(app.url);
    cores = measureCores(pid);
    const busy = await health(app.url, 5);
    const busyCores = cores();
    const busyLoop = await loopDelay(app.url);
    // The event loop alone, without the load generator competing for the cores.
    cores = measureCores(pid);
    await sleep(3000);
    const quietCores = cores();
    const quietLoop = await loopDelay(app.url);
    const done = await waitForRun(app.url, id, since);
    console.log('\n/health while a batch runs on the same replica (10 connections, 5 s each); event-loop delay of its main thread');
    console.log('| | req/s | p50 | p99 | loop delay p99 | loop delay max | cores busy: machine / replica / PostgreSQL |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    const row = (what: string, r: autocannon.Result | null, loop: { p99: number; max: number }, c: CoresUsed) =>
      console.log(`| ${what} | ${r ? Math.round(r.requests.average) : '–'} | ${r ? ms(r.latency.p50) : '–'} | ${r ? ms(r.latency.p99) : '–'} | ${ms(loop.p99)} | ${ms(loop.max)} | ${formatCores(c)} |`);
    row('idle', idle, idleLoop, idleCores);
    row(`batch of ${BATCH_TASKS} running`, busy, busyLoop, busyCores);
    row('batch running, no requests (3 s)', null, quietLoop, quietCores);
    console.log(`(the batch took ${(done / 1000).toFixed(1)} s: ${Math.round(BATCH_TASKS / (done / 1000))} tasks/s)`);
  } finally {
    await app.stop();
    await db.drop();
  }
}

async function continuousUnderLoad(): Promise<void> {
  const db = await scratchDatabase('hms_replicas_continuous');
  const app = await startApp(db.url, { ...BASE_ENV, SIM_AUTOSTART: 'true', SIM_TICK_MS: '0' });
  try {
    await sleep(3000);
    const pid = app.child.pid!;
    const rate = async (during: () => Promise<unknown>): Promise<[number, CoresUsed]> => {
      const [t0, n0] = [performance.now(), await continuousTasks(app.url)];
      const cores = measureCores(pid);
      await during();
      const used = cores();
      return [((await continuousTasks(app.url)) - n0) / ((performance.now() - t0) / 1000), used];
    };
    const [alone, aloneCores] = await rate(() => sleep(LOAD_S * 1000));
    const requests: autocannon.Request[] = [
      { method: 'GET', path: '/api/metrics/leaderboard' },
      { method: 'GET', path: '/api/results/comparative?limit=50' },
      { method: 'GET', path: '/api/simulation/status' },
      { method: 'GET', path: '/api/training/stats' },
    ];
    let load: autocannon.Result | undefined;
    const [loaded, loadedCores] = await rate(() => autocannon({ url: app.url, connections: 100, duration: LOAD_S, requests }).then((r) => (load = r)));
    console.log(`\nthe continuous run (SIM_TICK_MS=0), ${LOAD_S} s each`);
    console.log('| | tasks/s | reads/s | read p99 | cores busy: machine / replica / PostgreSQL |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| alone | ${Math.round(alone)} | – | – | ${formatCores(aloneCores)} |`);
    console.log(`| 100 connections of reads | ${Math.round(loaded)} (${((100 * loaded) / alone).toFixed(0)}%) | ${Math.round(load!.requests.average)} | ${ms(load!.latency.p99)} | ${formatCores(loadedCores)} |`);
  } finally {
    await app.stop();
    await db.drop();
  }
}

async function batchThroughput(workers: number): Promise<number> {
  const db = await scratchDatabase(`hms_replicas_${workers}w`);
  const apps: AppProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) apps.push(await startApp(db.url, { ...BASE_ENV, SIM_WORKER: 'true' }));
    const since = performance.now();
    const ids: number[] = [];
    for (let i = 0; i < RUNS; i++) ids.push(await postRun(apps[i % apps.length].url, RUN_TASKS, 100 + i));
    for (const id of ids) await waitForRun(apps[0].url, id, since);
    return (RUNS * RUN_TASKS) / ((performance.now() - since) / 1000);
  } finally {
    for (const app of apps) await app.stop();
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(`SIM_WORKER_THREADS=${process.env.SIM_WORKER_THREADS ?? 'true (default)'}`);
  if (TABLES.has('health')) await healthDuringBatch();
  if (TABLES.has('continuous')) await continuousUnderLoad();
  if (!TABLES.has('throughput')) return;
  if (!process.env.REDIS_URL) {
    console.log('\nbatch throughput over replicas: needs REDIS_URL (the queue); skipped');
    return;
  }
  const one = await batchThroughput(1);
  const two = await batchThroughput(2);
  console.log(`\nbatch throughput: ${RUNS} runs of ${RUN_TASKS} tasks, posted to the replicas in turn`);
  console.log('| worker replicas | tasks/s | vs one |');
  console.log('| --- | --- | --- |');
  console.log(`| 1 | ${Math.round(one)} | 1.00 |`);
  console.log(`| 2 | ${Math.round(two)} | ${(two / one).toFixed(2)} |`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
