import { LegacyController } from '../src/legacy/legacy.controller.js';
import { query } from './support/database.js';
import { useTestApp } from './support/test-app.js';

const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'];
const TABLES = ['simulation_state', 'tasks', 'scheduler_results', 'metrics', 'training_data', 'model_versions', 'strategy_aggregates'];

interface Status {
  is_running: boolean;
  is_paused: boolean;
  tasks_processed: number;
  metrics: Record<string, Record<string, unknown>>;
}

async function until<T>(timeoutMs: number, probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value).slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

function expectStatusShape(body: unknown): asserts body is Status {
  const s = body as Status;
  expect(Object.keys(s).sort()).toEqual(['is_paused', 'is_running', 'metrics', 'tasks_processed']);
  expect(typeof s.is_running).toBe('boolean');
  expect(typeof s.is_paused).toBe('boolean');
  expect(Number.isInteger(s.tasks_processed)).toBe(true);
  expect(typeof s.metrics).toBe('object');
}

describe(LegacyController.name, () => {
  const sut = useTestApp('legacy', { SIM_TICK_MS: '5', SIM_FLUSH_MS: '50' });

  const get = async (path: string) => {
    const res = await fetch(`${sut.url}${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const send = async (method: string, path: string) => {
    const res = await fetch(`${sut.url}${path}`, { method });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const count = async (table: string) => Number((await query<{ n: string }>(sut.databaseUrl, `SELECT count(*) AS n FROM ${table}`))[0].n);

  it('answers GET /api/status with nothing running before a start', async () => {
    const res = await get('/api/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ is_running: false, is_paused: false, tasks_processed: 0, metrics: {} });
  });

  it('answers [] for the histories before any run', async () => {
    expect(await get('/api/full_history')).toEqual({ status: 200, body: [] });
    expect(await get('/api/history/comparative')).toEqual({ status: 200, body: [] });
  });

  it('starts the continuous run with POST /api/start and reports per-strategy metrics', async () => {
    const started = await send('POST', '/api/start');
    expect(started.status).toBe(200);
    expectStatusShape(started.body);
    expect(started.body.is_running).toBe(true);

    const status = await until(15_000, async () => (await get('/api/status')).body as Status, (s) => s.tasks_processed >= 150 && Object.keys(s.metrics).length > 0, '150 tasks');
    expectStatusShape(status);
    expect(Object.keys(status.metrics)).toEqual(STRATEGIES);
    for (const m of Object.values(status.metrics)) {
      expect(Object.keys(m).sort()).toEqual(['avg_time', 'tasks', 'total_cost', 'total_energy', 'wins']);
      for (const key of ['avg_time', 'total_energy', 'total_cost']) expect(isNumber(m[key])).toBe(true);
      expect(Number.isInteger(m.wins)).toBe(true);
      expect(m.tasks as number).toBeGreaterThan(0);
    }
    expect(status.metrics.oracle.wins).toBe(0);
  });

  it('pauses and resumes with POST /api/pause and /api/resume', async () => {
    const paused = await send('POST', '/api/pause');
    expect(paused.status).toBe(200);
    expectStatusShape(paused.body);
    expect(paused.body).toMatchObject({ is_running: false, is_paused: true });
    const resumed = await send('POST', '/api/resume');
    expect(resumed.status).toBe(200);
    expectStatusShape(resumed.body);
    expect(resumed.body).toMatchObject({ is_running: true, is_paused: false });
  });

  it('answers GET /api/full_history with the continuous run\'s training rows, latest first', async () => {
    const res = await until(10_000, () => get('/api/full_history'), (r) => (r.body as unknown[]).length >= 100, '100 training rows');
    expect(res.status).toBe(200);
    const rows = res.body as Record<string, unknown>[];
    expect(rows.length).toBeLessThanOrEqual(1000);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['compute_intensity', 'memory_required', 'optimal_gpu_fraction', 'optimal_time', 'size', 'task_id']);
      for (const value of Object.values(row)) expect(isNumber(value)).toBe(true);
      expect(row.optimal_gpu_fraction as number).toBeGreaterThanOrEqual(0);
      expect(row.optimal_gpu_fraction as number).toBeLessThanOrEqual(1);
    }
    const ids = rows.map((r) => r.task_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('answers GET /api/history/comparative?limit=N with N tasks and every strategy side by side', async () => {
    const res = await get('/api/history/comparative?limit=5');
    expect(res.status).toBe(200);
    const rows = res.body as Record<string, unknown>[];
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['intensity', 'results', 'size', 'task_id']);
      expect(Number.isInteger(row.task_id)).toBe(true);
      expect(isNumber(row.size) && isNumber(row.intensity)).toBe(true);
      const results = row.results as Record<string, Record<string, unknown>>;
      expect(Object.keys(results).sort()).toEqual([...STRATEGIES].sort());
      for (const r of Object.values(results)) {
        expect(Object.keys(r).sort()).toEqual(['cost', 'energy', 'time']);
        for (const value of Object.values(r)) expect(isNumber(value)).toBe(true);
      }
    }
    const ids = rows.map((r) => r.task_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // The default is 100.
    expect(((await get('/api/history/comparative')).body as unknown[]).length).toBe(100);
  });

  it.each(['limit=0', 'limit=1001', 'limit=abc', 'limit=abc&t=1'])('answers 400 in the common error shape for ?%s', async (qs) => {
    const res = await get(`/api/history/comparative?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: [expect.stringMatching(/^limit /)], requestId: expect.any(String) });
  });

  it("ignores a parameter it does not take, as the dashboard's cache-buster (?t=) needs", async () => {
    // The run is going: the answers' rows move on, their number does not.
    const busted = await get('/api/history/comparative?limit=5&t=1796531852223&extra=1');
    expect(busted.status).toBe(200);
    expect(busted.body).toHaveLength(5);
  });

  it('clears every run\'s data with DELETE /api/history and starts a fresh continuous run when one was running', async () => {
    const before = await count('tasks');
    expect(before).toBeGreaterThan(100);
    const res = await send('DELETE', '/api/history');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ message: 'history cleared', is_running: true, is_paused: false });
    expect((res.body as Status).tasks_processed).toBeLessThan(before);
    expect(await count('simulation_state')).toBe(1);
    expect(await count('tasks')).toBeLessThan(before);
  });

  it('stops with POST /api/stop, and DELETE /api/history then leaves every table empty and nothing running', async () => {
    const stopped = await send('POST', '/api/stop');
    expect(stopped.status).toBe(200);
    expectStatusShape(stopped.body);
    expect(stopped.body).toMatchObject({ is_running: false, is_paused: false, tasks_processed: 0 });

    const res = await send('DELETE', '/api/history');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'history cleared', is_running: false, is_paused: false, tasks_processed: 0, metrics: {} });
    for (const table of TABLES) expect({ table, rows: await count(table) }).toEqual({ table, rows: 0 });
    expect(await get('/api/full_history')).toEqual({ status: 200, body: [] });
    expect(await get('/api/history/comparative')).toEqual({ status: 200, body: [] });
  });
});
