// Experiment benchmark (not a test): `npm run bench:experiment [-- --cells 4 --seeds 10 --tasks 10000]`.
// One experiment end to end through the built service: POST /api/experiments with a grid of `cells`
// arrival rates × `seeds` seeds of `tasks`-task batch runs (all seven strategies), polled until every
// run completed, then the aggregates read once (GET /api/experiments/:id: every run's leaderboard and
// the statistics). Reports wall time, runs/s and tasks/s. REDIS_URL unset: the in-process run queue.
import { scratchDatabase, startApp } from './support/app-process.js';
import { intOption } from './support/cpu.js';

const CELLS = intOption('cells', 4);
const SEEDS = intOption('seeds', 10);
const TASKS = intOption('tasks', 10_000);
const RATES = [1, 2, 4, 8, 16, 32, 64, 128].slice(0, CELLS);
if (RATES.length < CELLS) throw new Error('--cells: at most 8');

interface Detail {
  status: string;
  progress: { runs: number; completed: number; tasksProcessed: number };
  cells: { best: string | null; differences: unknown[] }[];
}

async function main(): Promise<void> {
  const db = await scratchDatabase('bench_experiment');
  // startApp passes no REDIS_URL: the in-process run queue (worker threads for the batch runs).
  const app = await startApp(db.url);
  try {
    const started = performance.now();
    const res = await fetch(`${app.url}/api/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', base: { tasks: TASKS }, grid: { arrivalRate: RATES }, repetitions: SEEDS }),
    });
    if (res.status !== 202) throw new Error(`POST /api/experiments answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: number };
    const createdMs = performance.now() - started;
    for (;;) {
      const progress = (await (await fetch(`${app.url}/api/experiments`)).json()) as { items: (Detail & { id: number })[] };
      const mine = progress.items.find((e) => e.id === id)!;
      if (mine.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const runsMs = performance.now() - started;
    const read = performance.now();
    const detail = (await (await fetch(`${app.url}/api/experiments/${id}`)).json()) as Detail;
    const readMs = performance.now() - read;
    const totalMs = performance.now() - started;
    const runs = detail.progress.completed;
    console.log(`experiment: ${CELLS} cells × ${SEEDS} seeds × ${TASKS} tasks (7 strategies), status ${detail.status}, ${runs}/${detail.progress.runs} runs completed`);
    console.log(`  created (202, ${CELLS * SEEDS} runs stored and queued): ${createdMs.toFixed(0)} ms`);
    console.log(`  every run completed:                         ${(runsMs / 1000).toFixed(1)} s`);
    console.log(`  aggregates read (GET /api/experiments/:id):  ${readMs.toFixed(0)} ms`);
    console.log(`  end to end: ${(totalMs / 1000).toFixed(1)} s, ${(runs / (totalMs / 1000)).toFixed(2)} runs/s, ${Math.round((runs * TASKS) / (totalMs / 1000))} tasks/s`);
  } finally {
    await app.stop();
    await db.drop();
  }
}

await main();
