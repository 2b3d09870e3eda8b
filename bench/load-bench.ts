// Load benchmark (not a test): `npm run bench:load`. 100 connections for 30 s of mixed reads and
// placements while the continuous run goes as fast as it can. Needs a PostgreSQL server
// (DATABASE_URL, else an embedded one) to make a scratch database in; uses REDIS_URL when set.
import autocannon from 'autocannon';
import { scratchDatabase, startApp, waitForRun } from './support/app-process.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const BATCH_TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
// History of the continuous run before the load starts.
const WARM_CONTINUOUS_TASKS = 5000;

interface Status {
  runId: number;
  tasksProcessed: number;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

async function main(): Promise<void> {
  const db = await scratchDatabase('hms_load');
  const app = await startApp(db.url, {
    HOST: '127.0.0.1',
    SIM_AUTOSTART: 'true',
    SIM_TICK_MS: '0',
    THROTTLE_LIMIT: '1000000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  }).catch(async (e: unknown) => {
    await db.drop();
    throw e;
  });
  try {
    const base = app.url;
    console.log(`batch run of ${BATCH_TASKS} tasks for the run-scoped reads, the continuous run at full speed ...`);
    const created = await fetch(`${base}/api/simulation/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'batch', tasks: BATCH_TASKS, seed: 7 }) });
    const batch = ((await created.json()) as { id: number }).id;
    await waitForRun(base, batch, performance.now());
    while ((await getJson<Status>(`${base}/api/simulation/status`)).tasksProcessed < WARM_CONTINUOUS_TASKS) await new Promise((r) => setTimeout(r, 200));

    // Cursors of a few pages into the batch's tasks, so the task reads are keyset pages, not only the first.
    const cursors: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const body: { nextCursor: string | null } = await getJson(`${base}/api/tasks?runId=${batch}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
      cursors.push(cursor);
    }
    const placement = JSON.stringify({ size: 2500, computeIntensity: 0.7, memoryRequired: 1200, weights: { time: 1, energy: 0.2 } });
    const requests: autocannon.Request[] = [
      { method: 'GET', path: '/api/metrics/leaderboard' },
      { method: 'GET', path: `/api/metrics/leaderboard?runId=${batch}` },
      { method: 'GET', path: '/api/results/comparative?limit=50' },
      { method: 'GET', path: `/api/results/comparative?runId=${batch}&limit=50` },
      { method: 'GET', path: `/api/tasks?runId=${batch}&limit=100` },
      ...cursors.slice(0, 2).map((c) => ({ method: 'GET' as const, path: `/api/tasks?runId=${batch}&limit=100&cursor=${encodeURIComponent(c)}` })),
      { method: 'GET', path: '/api/tasks?limit=100' },
      { method: 'GET', path: '/api/simulation/status' },
      { method: 'GET', path: '/api/status' },
      { method: 'POST', path: '/api/tasks/placement', headers: { 'content-type': 'application/json' }, body: placement },
    ];

    const before = await getJson<Status>(`${base}/api/simulation/status`);
    const startedAt = performance.now();
    console.log(`autocannon: ${CONNECTIONS} connections for ${DURATION_S} s over ${requests.length} request kinds (cache: ${process.env.REDIS_URL ? 'redis' : 'memory'}); continuous run ${before.runId} at task ${before.tasksProcessed}`);
    const result = await autocannon({ url: base, connections: CONNECTIONS, duration: DURATION_S, requests });
    const after = await getJson<Status>(`${base}/api/simulation/status`);
    const seconds = (performance.now() - startedAt) / 1000;
    const tasksPerS = (after.tasksProcessed - before.tasksProcessed) / seconds;
    const errors = result.errors + result.timeouts;
    console.log(`  requests         ${result.requests.total} (${result.requests.average.toFixed(0)} req/s)`);
    console.log(`  errors           ${errors} (timeouts ${result.timeouts})`);
    console.log(`  non-2xx          ${result.non2xx}`);
    console.log(`  latency          p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
    console.log(`  continuous run   ${after.tasksProcessed - before.tasksProcessed} tasks in ${seconds.toFixed(1)} s = ${tasksPerS.toFixed(0)} tasks/s during the load`);
    console.log(
      JSON.stringify({
        bench: 'load',
        errors,
        non_2xx: result.non2xx,
        req_per_s: Math.round(result.requests.average),
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        tasks_per_s_during_load: Math.round(tasksPerS),
      }),
    );
    if (errors > 0 || result.non2xx > 0) process.exitCode = 1;
  } finally {
    await app.stop();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
