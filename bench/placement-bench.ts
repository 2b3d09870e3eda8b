// Placement benchmark (not a test): `npm run bench:placement`. Times POST /api/tasks/placement/batch
// with 1,000 tasks, one request at a time, on the continuous run's machines (paused after some
// thousands of tasks, so every request sees the same queues) and on idle machines. Target: p50 ≤ 20 ms.
// It also prints the server's CPU time per request, which moves less than wall time when the
// machine is shared.
// Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
import pidusage from 'pidusage';
import { SimulationEngine } from '../src/engine/index.js';
import { scratchDatabase, startApp } from './support/app-process.js';

const BATCH = 1000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const WARMUP = 20;
const RUN_TASKS = 3000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Sends the request WARMUP + REQUESTS times, one at a time; the timings of the last REQUESTS, sorted, and the answer's size. */
async function timed(url: string, body: unknown, pid: number | undefined): Promise<{ times: number[]; bytes: number; cpuMs: number }> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const times: number[] = [];
  let bytes = 0;
  let cpuBefore = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    if (i === WARMUP && pid !== undefined) cpuBefore = (await pidusage(pid)).ctime;
    const started = performance.now();
    const res = await fetch(url, init);
    const answer = await res.arrayBuffer();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${Buffer.from(answer).toString()}`);
    bytes = answer.byteLength;
    if (i >= WARMUP) times.push(ms);
  }
  const cpuMs = pid === undefined ? Number.NaN : ((await pidusage(pid)).ctime - cpuBefore) / REQUESTS;
  return { times: times.sort((a, b) => a - b), bytes, cpuMs };
}

async function main(): Promise<void> {
  const db = await scratchDatabase('hms_placement_bench');
  const app = await startApp(db.url, { SIM_TICK_MS: '0' });
  try {
    const post = (path: string) => fetch(`${app.url}${path}`, { method: 'POST' });
    await post('/api/simulation/start');
    for (;;) {
      const status = (await (await fetch(`${app.url}/api/simulation/status`)).json()) as { tasksProcessed: number };
      if (status.tasksProcessed >= RUN_TASKS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await post('/api/simulation/pause');
    // Tasks like the generated workload's, from a seeded stream.
    const generator = SimulationEngine.create({ seed: 7 });
    const tasks = Array.from({ length: BATCH }, () => {
      const t = generator.nextTask();
      return { size: t.size, computeIntensity: t.computeIntensity, memoryRequired: t.memoryRequired };
    });
    const figures: Record<string, number> = {};
    for (const [name, body] of [
      ['continuous run', { tasks, weights: { time: 1, energy: 0.2 } }],
      ['empty machine', { tasks, machine: 'empty', weights: { time: 1, cost: 1 } }],
    ] as const) {
      const { times, bytes, cpuMs } = await timed(`${app.url}/api/tasks/placement/batch`, body, app.child.pid);
      const [p50, p90, max] = [percentile(times, 0.5), percentile(times, 0.9), times[times.length - 1]];
      console.log(
        `POST /api/tasks/placement/batch, ${BATCH} tasks, ${name}: p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${REQUESTS} requests (${(bytes / 1024).toFixed(0)} KiB each); server CPU ${cpuMs.toFixed(1)} ms a request`,
      );
      const key = name === 'continuous run' ? 'batch1000' : 'batch1000_empty';
      figures[`${key}_p50_ms`] = Number(p50.toFixed(2));
      figures[`${key}_cpu_ms`] = Number(cpuMs.toFixed(2));
    }
    console.log(JSON.stringify({ bench: 'placement', ...figures, target_p50_ms: 20 }));
  } finally {
    pidusage.clear();
    await app.stop();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
