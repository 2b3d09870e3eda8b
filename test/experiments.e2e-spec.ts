import { meanInterval } from '../src/experiments/statistics.js';
import { query } from './support/database.js';
import { postJson, storedResults } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

const STRATEGIES = ['round_robin', 'greedy', 'eft', 'oracle'];
const METRICS: Record<string, (e: any) => number | undefined> = {
  meanCompletionTime: (e) => e.meanCompletionTime,
  p95CompletionTime: (e) => e.p95CompletionTime,
  meanExecTime: (e) => e.meanExecTime,
  makespan: (e) => e.scheduling?.makespan,
  utilisation: (e) => e.scheduling?.utilisation.mean,
  throughput: (e) => e.scheduling?.throughput,
  meanBacklog: (e) => e.scheduling && [e.scheduling.meanBacklog.cpu, ...e.scheduling.meanBacklog.gpus].reduce((a: number, b: number) => a + b, 0) / (1 + e.scheduling.meanBacklog.gpus.length),
  maxBacklog: (e) => e.scheduling && Math.max(e.scheduling.maxBacklog.cpu, ...e.scheduling.maxBacklog.gpus),
  totalEnergy: (e) => e.totalEnergy,
  totalCost: (e) => e.totalCost,
};

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function waitForExperiment(url: string, id: number, timeoutMs = 240_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const { body } = await getJson(`${url}/api/experiments/${id}`);
    if (body?.status === 'completed' || body?.status === 'failed') return body;
    if (Date.now() - started > timeoutMs) throw new Error(`experiment ${id} not done within ${timeoutMs} ms: ${JSON.stringify(body?.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('experiments', () => {
  const sut = useTestApp('experiments', { SIM_FLUSH_TASKS: '64' });

  it('runs a 3×2-cell, 5-seed grid as 30 ordinary runs; its aggregates and paired differences equal a recomputation from their leaderboards', async () => {
    const created = await postJson(`${sut.url}/api/experiments`, {
      name: 'grid',
      base: { tasks: 120, strategies: STRATEGIES },
      grid: { arrivalRate: [1, 2, 4], gpus: [2, 4] },
      seeds: [5, 1, 2, 3, 4],
    });
    expect(created.status).toBe(202);

    const experiment = await waitForExperiment(sut.url, created.body.id);
    expect(experiment.status).toBe('completed');
    expect(experiment.progress).toMatchObject({ runs: 30, completed: 30, failed: 0, tasksProcessed: 30 * 120 });
    expect(experiment.cells.map((c: any) => c.settings)).toEqual([
      { arrivalRate: 1, gpus: 2 },
      { arrivalRate: 1, gpus: 4 },
      { arrivalRate: 2, gpus: 2 },
      { arrivalRate: 2, gpus: 4 },
      { arrivalRate: 4, gpus: 2 },
      { arrivalRate: 4, gpus: 4 },
    ]);

    const runs = await query<{ cell: number; seed: string; run_id: number }>(sut.databaseUrl, 'SELECT cell, seed, run_id FROM experiment_runs WHERE experiment_id = $1', [created.body.id]);
    expect(runs).toHaveLength(30);
    // Ordinary runs: every existing read works on them.
    const boards = new Map<string, any[]>();
    for (const r of runs) {
      const run = (await getJson(`${sut.url}/api/simulation/runs/${r.run_id}`)).body;
      expect(run).toMatchObject({ status: 'completed', seed: Number(r.seed), settings: { engine: { seed: Number(r.seed), strategies: STRATEGIES } } });
      const board = (await getJson(`${sut.url}/api/metrics/leaderboard?runId=${r.run_id}`)).body.items;
      for (const e of board) {
        expect(e.scheduling.makespan).toBeGreaterThan(0);
        expect(Math.max(e.scheduling.utilisation.cpu, ...e.scheduling.utilisation.gpus)).toBeLessThanOrEqual(1);
      }
      boards.set(`${r.cell}/${r.seed}`, board);
    }

    for (const cell of experiment.cells) {
      const seedBoards = [1, 2, 3, 4, 5].map((seed) => boards.get(`${cell.cell}/${seed}`)!);
      for (const s of cell.strategies) {
        expect(s.seeds).toBe(5);
        for (const [metric, read] of Object.entries(METRICS)) {
          const expected = meanInterval(seedBoards.map((b) => read(b.find((e: any) => e.scheduler === s.strategy)) as number));
          expect(s.metrics[metric].mean).toBeCloseTo(expected.mean, 9);
          expect(s.metrics[metric].halfWidth).toBeCloseTo(expected.halfWidth!, 9);
        }
      }
      // The best: the non-oracle strategy with the lowest mean completion time over seeds.
      const contenders = cell.strategies.filter((s: any) => s.strategy !== 'oracle');
      const best = contenders.reduce((a: any, b: any) => (b.metrics.meanCompletionTime.mean < a.metrics.meanCompletionTime.mean ? b : a));
      expect(cell.best).toBe(best.strategy);
      expect(cell.differences.map((d: any) => d.strategy).sort()).toEqual(STRATEGIES.filter((s) => s !== cell.best).sort());
      for (const d of cell.differences) {
        expect(d.seeds).toEqual([1, 2, 3, 4, 5]);
        const value = (b: any[], name: string) => b.find((e: any) => e.scheduler === name).meanCompletionTime;
        const expected = meanInterval(seedBoards.map((b) => value(b, d.strategy) - value(b, cell.best)));
        expect(d.mean).toBeCloseTo(expected.mean, 9);
        expect(d.halfWidth).toBeCloseTo(expected.halfWidth!, 9);
        expect(d.significant).toBe(expected.low! > 0 || expected.high! < 0);
      }
    }

    const csv = await fetch(`${sut.url}/api/experiments/${created.body.id}?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('cell,arrivalRate,gpus,strategy,kind,metric,n,mean,sd,ci_low,ci_high,half_width,significant,relative_mean_pct,best');
    expect(lines).toHaveLength(1 + 6 * (4 * Object.keys(METRICS).length + 3));

    const list = await getJson(`${sut.url}/api/experiments`);
    expect(list.body.items[0]).toMatchObject({ id: created.body.id, name: 'grid', status: 'completed', progress: { completed: 30 } });

    const deleted = await fetch(`${sut.url}/api/experiments/${created.body.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await getJson(`${sut.url}/api/experiments/${created.body.id}`)).status).toBe(404);
    expect((await getJson(`${sut.url}/api/simulation/runs/${runs[0].run_id}`)).status).toBe(404);
  }, 300_000);

  it.each([
    [{ base: { tasks: 10 }, grid: { speed: [1] }, seeds: [1] }, /grid\.speed: not a setting a grid may vary/],
    [{ base: { tasks: 10 }, grid: { gpus: [2, 0] }, seeds: [1] }, /cell \{"gpus":0\}: gpus must not be less than 1/],
    [{ base: { tasks: 10, gpuSpeeds: [1, 2] }, grid: { gpus: [2, 4] }, seeds: [1] }, /cell \{"gpus":4\}: .*gpuSpeeds/],
    [{ base: { tasks: 10 }, seeds: [1], repetitions: 3 }, /exactly one of seeds or repetitions/],
    [{ base: { tasks: 10, seed: 3 }, repetitions: 3 }, /base\.seed: not allowed/],
    [{ base: { tasks: 10 }, grid: { arrivalRate: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, repetitions: 100 }, /1100 runs: at most 1000/],
    [{ base: { tasks: 10 }, seeds: [1, 1] }, /seeds/],
  ])('answers 400 with a clear message and stores nothing for %j', async (body, message) => {
    const res = await postJson(`${sut.url}/api/experiments`, body);
    expect(res.status).toBe(400);
    expect(res.body.message.join('\n')).toMatch(message);
    const [{ n }] = await query<{ n: number }>(sut.databaseUrl, 'SELECT count(*)::int AS n FROM experiments');
    expect(n).toBe(0);
  });
});

describe('per-run settings', () => {
  const sut = useTestApp('run_settings', { SIM_WINDOW_TASKS: '100' });

  it('stores, echoes and applies a run’s settings: window size, warm-up tasks, machine model', async () => {
    const settings = {
      windowSize: 25,
      warmupTasks: 40,
      gpuSpeedupPerIntensity: 5,
      bandwidthMBps: 8000,
      gpuSpeeds: [1, 2],
      cpuPowerW: 90,
      gpuPowerW: 250,
      cpuRatePerS: 0.00003,
      gpuRatePerS: 0.0002,
    };
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 140, seed: 4, gpus: 2, strategies: ['greedy', 'eft'], ...settings });
    expect(created.status).toBe(202);
    let run: any;
    for (;;) {
      run = (await getJson(`${sut.url}/api/simulation/runs/${created.body.id}`)).body;
      if (run.status === 'completed' || run.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run.status).toBe('completed');
    expect(run.settings).toEqual({
      windowSize: 25,
      engine: expect.objectContaining({
        gpus: 2,
        machine: { gpuSpeedupPerIntensity: 5, bandwidthMBps: 8000, gpuSpeeds: [1, 2], cpuPowerW: 90, gpuPowerW: 250, cpuRatePerS: 0.00003, gpuRatePerS: 0.0002 },
        stats: { warmupTasks: 40 },
      }),
    });
    // 100 counted tasks × 2 strategies; four windows of 25.
    expect(await storedResults(sut.databaseUrl, run.id)).toHaveLength(200);
    const [{ windows, first }] = await query<{ windows: number; first: number }>(
      sut.databaseUrl,
      'SELECT count(DISTINCT window_start)::int AS windows, min(window_start)::int AS first FROM metrics WHERE run_id = $1',
      [run.id],
    );
    expect({ windows, first }).toEqual({ windows: 4, first: 40 });
    expect(run.summary.every((s: any) => s.tasks === 100 && s.scheduling.busy.gpus.length === 2)).toBe(true);
  }, 60_000);

  it.each([
    [{ gpus: 4, gpuSpeeds: [1, 2] }, /gpuSpeeds/],
    [{ bandwidthMBps: 0 }, /bandwidthMBps must not be less than 0.001/],
    [{ warmupTasks: -1 }, /warmupTasks must not be less than 0/],
    [{ gpuSpeeds: [1, -2] }, /gpuSpeeds must be a positive number/],
    [{ cpuPowerW: 'x' }, /cpuPowerW must be a number/],
  ])('answers 400 for the bad settings %j', async (settings, message) => {
    const res = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 10, ...settings });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('takes the settings as query parameters with a CSV trace', async () => {
    const csv = 'task_id,size,compute_intensity,memory_required,arrival_time\n0,1000,0.5,100,0\n1,2000,0.9,200,0.5';
    const bad = await fetch(`${sut.url}/api/simulation/runs?gpus=2&gpuSpeeds=1,x`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(bad.status).toBe(400);
    const good = await fetch(`${sut.url}/api/simulation/runs?gpus=2&gpuSpeeds=1,3&warmupTasks=1&windowSize=7`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(good.status).toBe(202);
    const run = (await getJson(`${sut.url}/api/simulation/runs/${((await good.json()) as { id: number }).id}`)).body;
    expect(run.settings).toMatchObject({ windowSize: 7, engine: { gpus: 2, machine: { gpuSpeeds: [1, 3] }, stats: { warmupTasks: 1 } } });
  });
});
