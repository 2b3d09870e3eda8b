import pg from 'pg';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { ResultRow } from '../../src/results/results.repository.js';

/** The strategies in registration order; the oracle is the benchmark, not a contender. */
export const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'] as const;
export const ORACLE = 'oracle';

export interface FixtureTask {
  taskId: number;
  size: number;
  computeIntensity: number;
  memoryRequired: number;
  durationEstimate: number;
  arrivalTime: number;
  optimalGpuFraction: number;
  optimalTime: number;
}

/** A stored result as the API names it. */
export type FixtureResult = ResultRow;

export interface FixtureRun {
  runId: number;
  tasks: FixtureTask[];
  results: FixtureResult[];
}

export interface RunOptions {
  tasks: number;
  seed?: number;
  kind?: 'continuous' | 'batch' | 'trace';
  name?: string;
  /** Model versions to store (version 1..n). */
  modelVersions?: number;
  /** Tasks per metrics window. */
  windowSize?: number;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Deterministic tasks and the seven strategies' results on them, after the machine model of DESIGN.md. */
export function generate(runId: number, fromTaskId: number, count: number, seed: number): { tasks: FixtureTask[]; results: FixtureResult[] } {
  const rng = xoroshiro128plus(seed + fromTaskId * 7919);
  const u = () => uniformFloat64(rng);
  const tasks: FixtureTask[] = [];
  const results: FixtureResult[] = [];
  for (let taskId = fromTaskId; taskId < fromTaskId + count; taskId++) {
    const size = Math.min(10_000, Math.floor(100 * Math.pow(1 - u(), -1 / 1.5)));
    const computeIntensity = clip((u() < 0.3 ? 0.2 : 0.8) + (u() - 0.5) * 0.3, 0.05, 1);
    const memoryRequired = clip((size / 10_000) * 5000 + (u() - 0.5) * 1000, 10, 5000);
    const t = Math.pow(size / 1000, 1.5) / (computeIntensity + 0.5);
    const s = 1 + 3 * computeIntensity;
    const c = memoryRequired / 16_000;
    const fStar = c >= t ? 0 : (s * (t - c)) / (t * (1 + s));
    const parts = (f: number) => ({ cpu: (1 - f) * t, gpu: f > 0 ? (f * t) / s + c : 0 });
    const arrivalTime = taskId * 0.5;
    const optimal = parts(fStar);
    tasks.push({ taskId, size, computeIntensity, memoryRequired, durationEstimate: t, arrivalTime, optimalGpuFraction: fStar, optimalTime: Math.max(optimal.cpu, optimal.gpu) });
    const fractions: Record<string, number> = {
      round_robin: taskId % 5 === 0 ? 0 : 1,
      random: u(),
      greedy: computeIntensity,
      hybrid_ml: clip(fStar + (u() - 0.5) * 0.1, 0, 1),
      rl_agent: Math.round(u() * 5) / 5,
      oracle: fStar,
      eft: Math.round(fStar * 20) / 20,
    };
    const waits: Record<string, number> = Object.fromEntries(STRATEGIES.map((name, k) => [name, u() * t * [3, 2.5, 1.5, 0.8, 1.2, 0.5, 0.6][k]]));
    // Every tenth task, greedy makes eft's exact decision: a tie for the win.
    if (taskId % 10 === 0) {
      fractions.greedy = fractions.eft;
      waits.greedy = waits.eft;
    }
    for (const schedulerName of STRATEGIES) {
      const f = fractions[schedulerName];
      const { cpu, gpu } = parts(f);
      const execTime = Math.max(cpu, gpu);
      const waitTime = waits[schedulerName];
      const completionTime = execTime + waitTime;
      results.push({
        runId,
        taskId,
        schedulerName,
        gpuFraction: f,
        cpuFraction: 1 - f,
        gpuId: f > 0 ? taskId % 4 : null,
        execTime,
        waitTime,
        completionTime,
        startTime: arrivalTime + waitTime,
        finishTime: arrivalTime + completionTime,
        energyConsumption: 100 * cpu + 200 * gpu,
        executionCost: 0.00002 * cpu + 0.0001 * gpu,
      });
    }
  }
  return { tasks, results };
}

/** One multi-row INSERT per batch of rows. */
async function insertRows(client: pg.ClientBase, table: string, columns: string[], rows: unknown[][], batch = 1000): Promise<void> {
  for (let at = 0; at < rows.length; at += batch) {
    const chunk = rows.slice(at, at + batch);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** Inserts tasks, their results and training samples for [fromTaskId, fromTaskId + count) in one transaction. */
export async function appendTasks(client: pg.ClientBase, runId: number, fromTaskId: number, count: number, seed = 1): Promise<{ tasks: FixtureTask[]; results: FixtureResult[] }> {
  const data = generate(runId, fromTaskId, count, seed);
  // As the run writer does: a task's win goes to the non-oracle strategies with its smallest completion time.
  const best = new Map<number, number>();
  for (const r of data.results) {
    if (r.schedulerName !== 'oracle') best.set(r.taskId, Math.min(best.get(r.taskId) ?? Infinity, r.completionTime));
  }
  const won = (r: FixtureResult) => r.schedulerName !== 'oracle' && r.completionTime === best.get(r.taskId);
  await client.query('BEGIN');
  try {
    await insertRows(
      client,
      'tasks',
      ['run_id', 'task_id', 'size', 'compute_intensity', 'memory_required', 'duration_estimate', 'arrival_time'],
      data.tasks.map((t) => [runId, t.taskId, t.size, t.computeIntensity, t.memoryRequired, t.durationEstimate, t.arrivalTime]),
    );
    await insertRows(
      client,
      'scheduler_results',
      ['run_id', 'task_id', 'scheduler_name', 'gpu_fraction', 'cpu_fraction', 'gpu_id', 'exec_time', 'wait_time', 'completion_time', 'start_time', 'finish_time', 'energy_consumption', 'execution_cost', 'won'],
      data.results.map((r) => [runId, r.taskId, r.schedulerName, r.gpuFraction, r.cpuFraction, r.gpuId, r.execTime, r.waitTime, r.completionTime, r.startTime, r.finishTime, r.energyConsumption, r.executionCost, won(r)]),
    );
    await insertRows(
      client,
      'training_data',
      ['run_id', 'task_id', 'size', 'compute_intensity', 'memory_required', 'memory_per_size', 'compute_to_memory', 'optimal_gpu_fraction', 'optimal_time'],
      data.tasks.map((t) => [runId, t.taskId, t.size, t.computeIntensity, t.memoryRequired, t.memoryRequired / (t.size + 1), t.computeIntensity / (t.memoryRequired + 1), t.optimalGpuFraction, t.optimalTime]),
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
  return data;
}

/** A run row with `tasks` tasks, 7 results each, training samples, metric windows and model versions. */
export async function insertRun(databaseUrl: string, options: RunOptions): Promise<FixtureRun> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO simulation_state (name, kind, status, seed, config, tasks_processed, tasks_total) VALUES ($1, $2, 'completed', $3, '{}', $4, $4) RETURNING id`,
      [options.name ?? 'fixture', options.kind ?? 'batch', options.seed ?? 1, options.tasks],
    );
    const runId = rows[0].id;
    const data = await appendTasks(client, runId, 0, options.tasks, options.seed ?? 1);
    await insertWindows(client, runId, data.results, options.windowSize ?? 10);
    await insertModelVersions(client, runId, options.modelVersions ?? 0);
    return { runId, ...data };
  } finally {
    await client.end();
  }
}

async function insertWindows(client: pg.ClientBase, runId: number, results: FixtureResult[], size: number): Promise<void> {
  const rows: unknown[][] = [];
  const byWindow = new Map<string, FixtureResult[]>();
  for (const r of results) {
    const key = `${r.schedulerName}:${Math.floor(r.taskId / size)}`;
    byWindow.set(key, [...(byWindow.get(key) ?? []), r]);
  }
  for (const [key, rs] of byWindow) {
    const [name, w] = key.split(':');
    const times = rs.map((r) => r.completionTime);
    const total = times.reduce((a, b) => a + b, 0);
    rows.push([runId, name, Number(w) * size, Number(w) * size + rs.length - 1, rs.length, total, total / rs.length, Math.min(...times), Math.max(...times), rs.reduce((a, r) => a + r.energyConsumption, 0), rs.reduce((a, r) => a + r.executionCost, 0), 0, 0]);
  }
  const columns = ['run_id', 'scheduler_name', 'window_start', 'window_end', 'total_tasks', 'total_time', 'avg_time', 'min_time', 'max_time', 'total_energy', 'total_cost', 'wins', 'losses'];
  await insertRows(client, 'metrics', columns, rows);
}

async function insertModelVersions(client: pg.ClientBase, runId: number, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, k) => [runId, k + 1, (k + 1) * 50, 50 + k * 50, 0.5 + k * 0.01, 0.1 - k * 0.001, JSON.stringify({ size: 0.4, compute_intensity: 0.6 }), 12.5, JSON.stringify({ name: 'forest', version: 1 })]);
  await insertRows(client, 'model_versions', ['run_id', 'version', 'trained_at_task', 'samples', 'r2', 'mae', 'feature_importances', 'duration_ms', 'model'], rows);
}

/** percentile_cont as PostgreSQL computes it: linear interpolation at pos = p·(n−1) over the sorted values. */
export function percentileCont(sorted: number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return lo === hi ? sorted[lo] : sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
