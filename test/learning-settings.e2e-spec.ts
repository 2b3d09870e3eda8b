import { SimulationEngine } from '../src/engine/index.js';
import { query } from './support/database.js';
import { postCsv, postJson, waitForRun } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

interface Standing {
  scheduler: string;
  meanExecTime: number;
  trained: boolean | null;
  modelVersions: number | null;
}

/** A trace of n generated tasks as CSV. */
function traceCsv(n: number, seed: number): string {
  const generator = SimulationEngine.create({ seed });
  const lines = Array.from({ length: n }, () => generator.nextTask()).map((t) =>
    [t.id, t.size, t.computeIntensity, t.memoryRequired, t.arrivalTime, t.durationEstimate, t.dependencies.join(';')].join(','),
  );
  return ['task_id,size,compute_intensity,memory_required,arrival_time,duration_estimate,dependencies', ...lines].join('\n');
}

// The service at its default learning settings (SIM_BATCH_RETRAIN_INTERVAL 1000, SIM_BATCH_RETRAIN_LAG 2000).
describe('hybrid_ml learning within a run, and the run settings that govern it', () => {
  const sut = useTestApp('learning');

  const trainedAt = async (runId: number): Promise<number[]> =>
    (await query<{ t: number }>(sut.databaseUrl, 'SELECT trained_at_task AS t FROM model_versions WHERE run_id = $1 ORDER BY version', [runId])).map((r) => r.t);
  const leaderboard = async (runId: number): Promise<Record<string, Standing>> => {
    const res = await fetch(`${sut.url}/api/metrics/leaderboard?runId=${runId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Standing[] };
    return Object.fromEntries(body.items.map((s) => [s.scheduler, s]));
  };

  it('trains hybrid_ml within a 1,000-task CSV replay whose settings come as query parameters', async () => {
    const created = await postCsv(`${sut.url}/api/simulation/runs?name=short&seed=5&gpus=2&strategies=greedy,hybrid_ml,rl_agent,oracle`, traceCsv(1000, 21));
    expect(created.status).toBe(202);
    const run = await waitForRun(sut.url, created.body.id, 120_000);
    expect(run).toMatchObject({ status: 'completed', tasksProcessed: 1000 });

    // Early retrains at 50 … 800 labels; the one at 1,000 would take effect after the run.
    expect(await trainedAt(run.id)).toEqual([50, 100, 200, 400, 800]);
    const board = await leaderboard(run.id);
    expect(Object.keys(board).sort()).toEqual(['greedy', 'hybrid_ml', 'oracle', 'rl_agent']);
    expect(board.hybrid_ml).toMatchObject({ trained: true, modelVersions: 5 });
    expect(board.rl_agent).toMatchObject({ trained: true, modelVersions: null });
    expect(board.greedy).toMatchObject({ trained: null, modelVersions: null });
    // It no longer ties greedy: it learned.
    expect(board.hybrid_ml.meanExecTime).toBeLessThan(board.oracle.meanExecTime * 1.1);
    expect(board.greedy.meanExecTime).toBeGreaterThan(board.oracle.meanExecTime * 1.3);
    const [{ gpus }] = await query<{ gpus: number }>(sut.databaseUrl, 'SELECT max(gpu_id) + 1 AS gpus FROM scheduler_results WHERE run_id = $1', [run.id]);
    expect(gpus).toBe(2);
  }, 180_000);

  it('honours retrainInterval and retrainLag of a CSV replay', async () => {
    const created = await postCsv(`${sut.url}/api/simulation/runs?retrainInterval=100&retrainLag=10&strategies=hybrid_ml,oracle`, traceCsv(330, 4));
    expect(created.status).toBe(202);
    const run = await waitForRun(sut.url, created.body.id);

    expect(await trainedAt(run.id)).toEqual([50, 100, 200, 300]);
  }, 60_000);

  it('honours retrainInterval and retrainLag of a JSON batch run', async () => {
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 400, seed: 3, strategies: ['hybrid_ml', 'oracle'], retrainInterval: 150, retrainLag: 40 });
    expect(created.status).toBe(202);
    const run = await waitForRun(sut.url, created.body.id);

    // 50 and 100 early (lags 5 and 10), then every 150; the fit at 300 takes effect at 340.
    expect(await trainedAt(run.id)).toEqual([50, 100, 150, 300]);
    const effective = await query<{ e: number }>(
      sut.databaseUrl,
      `SELECT (model_info->>'effectiveAtTask')::int AS e FROM simulation_state WHERE id = $1`,
      [run.id],
    );
    expect(effective).toEqual([{ e: 340 }]);
  }, 60_000);

  it('flags learners that never trained on the leaderboard', async () => {
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 30, seed: 1 });
    const run = await waitForRun(sut.url, created.body.id);

    const board = await leaderboard(run.id);
    expect(board.hybrid_ml).toMatchObject({ trained: false, modelVersions: 0 });
    expect(board.rl_agent).toMatchObject({ trained: false, modelVersions: null });
    expect(board.eft).toMatchObject({ trained: null, modelVersions: null });
  }, 60_000);

  it.each([
    ['strategies=greedy,fifo', 'strategies: each value in strategies must be one of the following values: round_robin, random, greedy, hybrid_ml, rl_agent, oracle, eft'],
    ['retrainInterval=0', 'retrainInterval'],
    ['retrainLag=-1', 'retrainLag'],
    ['gpus=abc', 'gpus'],
  ])('answers 400 for a CSV replay with ?%s, storing nothing', async (params, message) => {
    const [{ before }] = await query<{ before: number }>(sut.databaseUrl, 'SELECT count(*)::int AS before FROM simulation_state');
    const res = await postCsv(`${sut.url}/api/simulation/runs?${params}`, traceCsv(10, 1));

    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
    const [{ after }] = await query<{ after: number }>(sut.databaseUrl, 'SELECT count(*)::int AS after FROM simulation_state');
    expect(after).toBe(before);
  }, 30_000);

  it('answers 400 for settings in the query of a JSON run, naming them', async () => {
    const res = await postJson(`${sut.url}/api/simulation/runs?gpus=2&retrainLag=5`, { kind: 'batch', tasks: 10 });

    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['gpus: with a JSON body, settings go in the body', 'retrainLag: with a JSON body, settings go in the body']);
  });
});
