import { query } from './database.js';

export interface RunView {
  id: number;
  status: string;
  tasksProcessed: number;
  tasksTotal: number | null;
  summary?: unknown;
  error?: string;
}

/** Polls GET /api/simulation/runs/:id until the run is completed (or failed: then throws). */
export async function waitForRun(baseUrl: string, id: number, timeoutMs = 60_000): Promise<RunView> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${baseUrl}/api/simulation/runs/${id}`).catch(() => undefined);
    const run = res?.ok ? ((await res.json()) as RunView) : undefined;
    if (run?.status === 'completed') return run;
    if (run?.status === 'failed') throw new Error(`run ${id} failed: ${run.error}`);
    if (Date.now() - started > timeoutMs) throw new Error(`run ${id} not completed within ${timeoutMs} ms (last: ${JSON.stringify(run)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

export async function postCsv(url: string, csv: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

// Every stored column that the simulation determines (ids and timestamps excluded).
const RESULT_COLUMNS = `task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time,
  start_time, finish_time, energy_consumption, execution_cost`;

/** A run's stored results in a canonical order, for comparing two runs row by row. */
export function storedResults(databaseUrl: string, runId: number): Promise<Record<string, unknown>[]> {
  return query(databaseUrl, `SELECT ${RESULT_COLUMNS} FROM scheduler_results WHERE run_id = $1 ORDER BY task_id, scheduler_name`, [runId]);
}

/** A run's results over the task range [from, to), every column the simulation determines, in a canonical order. */
export function resultsBetween(databaseUrl: string, runId: number, from: number, to: number): Promise<Record<string, unknown>[]> {
  return query(databaseUrl, `SELECT ${RESULT_COLUMNS} FROM scheduler_results WHERE run_id = $1 AND task_id >= $2 AND task_id < $3 ORDER BY task_id, scheduler_name`, [
    runId,
    from,
    to,
  ]);
}

/** Counts of a run's rows in every table. */
export async function rowCounts(databaseUrl: string, runId: number): Promise<Record<string, number>> {
  const [row] = await query<Record<string, number>>(
    databaseUrl,
    `SELECT (SELECT count(*) FROM tasks WHERE run_id = $1)::int AS tasks,
            (SELECT count(*) FROM scheduler_results WHERE run_id = $1)::int AS results,
            (SELECT count(*) FROM training_data WHERE run_id = $1)::int AS training,
            (SELECT count(*) FROM metrics WHERE run_id = $1)::int AS windows,
            (SELECT count(*) FROM model_versions WHERE run_id = $1)::int AS models`,
    [runId],
  );
  return row;
}
