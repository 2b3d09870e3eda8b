import { SimulationEngine, type Task } from '../src/engine/index.js';
import { ContinuousRunService } from '../src/runs/continuous-run.service.js';
import { InProcessRun } from '../src/runs/execution/stepping-run.js';
import { query } from './support/database.js';
import { postCsv, postJson, waitForRun } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

interface Option {
  strategy: string;
  gpuFraction: number;
  gpuId: number | null;
  startTime: number;
  finishTime: number;
  waitTime: number;
  completionTime: number;
  energy: number;
  cost: number;
  score: number;
}

const TASK = { size: 2500, computeIntensity: 0.7, memoryRequired: 1200 };

function byStrategy(options: Option[]): Record<string, Option> {
  return Object.fromEntries(options.map((o) => [o.strategy, o]));
}

async function status(url: string): Promise<{ runId: number; tasksProcessed: number; isPaused: boolean }> {
  return (await fetch(`${url}/api/simulation/status`)).json() as Promise<{ runId: number; tasksProcessed: number; isPaused: boolean }>;
}

/** A trace of n generated tasks as CSV. */
function traceCsv(n: number, seed: number): { csv: string; tasks: Task[] } {
  const generator = SimulationEngine.create({ seed });
  const tasks = Array.from({ length: n }, () => generator.nextTask());
  const lines = tasks.map((t) => [t.id, t.size, t.computeIntensity, t.memoryRequired, t.arrivalTime, t.durationEstimate, t.dependencies.join(';')].join(','));
  return { csv: ['task_id,size,compute_intensity,memory_required,arrival_time,duration_estimate,dependencies', ...lines].join('\n'), tasks };
}

describe('POST /api/tasks/placement', () => {
  const sut = useTestApp('placement', { SIM_TICK_MS: '0' });
  let continuousId: number;
  const place = (body: unknown) => postJson(`${sut.url}/api/tasks/placement`, body);
  const placeBatch = (body: unknown) => postJson(`${sut.url}/api/tasks/placement/batch`, body);

  beforeAll(async () => {
    // A continuous run with queues on its machines, paused so that its state holds still.
    expect((await postJson(`${sut.url}/api/simulation/start`, {})).status).toBe(200);
    for (let s = await status(sut.url); s.tasksProcessed < 300; s = await status(sut.url)) await new Promise((r) => setTimeout(r, 20));
    expect((await postJson(`${sut.url}/api/simulation/pause`, {})).status).toBe(200);
    continuousId = (await status(sut.url)).runId;
  }, 120_000);

  describe('weights', () => {
    it('counts a weight left out as 0', async () => {
      const res = await place({ ...TASK, weights: { cost: 1 } });

      expect(res.status).toBe(200);
      const placements = res.body.placements as Option[];
      const cheapest = Math.min(...placements.map((o) => o.cost));
      for (const o of placements) expect(o.score).toBeCloseTo(o.cost / cheapest, 12);
      expect(res.body.recommendation.cost).toBe(cheapest);
    });

    it('weighs completion time only when weights are omitted', async () => {
      const res = await place(TASK);

      expect(res.status).toBe(200);
      const placements = res.body.placements as Option[];
      const fastest = Math.min(...placements.map((o) => o.completionTime));
      for (const o of placements) expect(o.score).toBeCloseTo(o.completionTime / fastest, 12);
    });

    it('answers 400 to weights that are all zero', async () => {
      for (const weights of [{}, { time: 0 }, { time: 0, energy: 0, cost: 0 }]) {
        const single = await place({ ...TASK, weights });
        const batch = await placeBatch({ tasks: [TASK], weights });

        expect({ weights, status: single.status, message: single.body.message }).toEqual({ weights, status: 400, message: [expect.stringMatching(/^weights: at least one of time, energy and cost must be above 0/)] });
        expect(batch.status).toBe(400);
      }
    });
  });

  describe('reasons', () => {
    it("answers EFT's best alternatives, hybrid_ml's predicted f against the oracle's, and rl_agent's action values", async () => {
      const res = await place(TASK);

      expect(res.status).toBe(200);
      const options = byStrategy(res.body.placements as Option[]);
      const { eft, hybrid_ml: ml, rl_agent: rl } = res.body.reasons;
      // EFT's first alternative is its placement; the rest finish no earlier.
      expect(eft.kind).toBe('eft');
      expect(eft.alternatives.length).toBe(5);
      expect(eft.alternatives[0].f).toBe(options.eft.gpuFraction);
      expect(eft.alternatives[0].finish).toBeCloseTo(options.eft.finishTime, 9);
      if (options.eft.gpuFraction > 0) expect(eft.alternatives[0].gpu).toBe(options.eft.gpuId);
      for (let i = 1; i < 5; i++) expect(eft.alternatives[i].finish).toBeGreaterThanOrEqual(eft.alternatives[i - 1].finish);
      // After 300 tasks hybrid_ml has a model: its clipped prediction is its placement.
      expect(ml.kind).toBe('hybrid_ml');
      expect(typeof ml.predictedF).toBe('number');
      expect(ml.f).toBe(Math.min(1, Math.max(0, ml.predictedF)));
      expect(ml.f).toBe(options.hybrid_ml.gpuFraction);
      expect(ml.oracleF).toBe(res.body.oracle.gpuFraction);
      expect(rl.kind).toBe('rl_agent');
      expect(rl.actionValues.map((a: { f: number }) => a.f)).toContain(options.rl_agent.gpuFraction);
      for (const a of rl.actionValues) expect(Number.isFinite(a.q)).toBe(true);
    });
  });

  describe('machine state', () => {
    it("answers for the continuous run's machines by default, the same as with its runId", async () => {
      const byDefault = await place(TASK);
      const byId = await place({ ...TASK, runId: continuousId });

      expect(byDefault.status).toBe(200);
      expect(byDefault.body).toMatchObject({ runId: continuousId, source: 'live' });
      expect(byId.body).toEqual(byDefault.body);
    });

    it('places on idle machines with machine "empty", with the GPUs asked for', async () => {
      const res = await place({ ...TASK, machine: 'empty', gpus: 1 });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ runId: null, source: 'empty', tasksProcessed: 0, now: 0 });
      for (const o of res.body.placements as Option[]) {
        expect(o.waitTime).toBeCloseTo(0, 9);
        expect([0, null]).toContain(o.gpuId);
      }
    });

    it('answers 400 to runId and machine together, and to gpus without machine "empty"', async () => {
      const both = await place({ ...TASK, runId: continuousId, machine: 'empty' });
      const gpus = await place({ ...TASK, gpus: 2 });

      expect([both.status, both.body.message]).toEqual([400, ['runId and machine exclude each other: give one of them']]);
      expect([gpus.status, gpus.body.message]).toEqual([400, ['gpus applies only to machine "empty"']]);
    });

    it('answers 404 for a run that does not exist, and 409 for a run with no state yet', async () => {
      const [stateless] = await query<{ id: number }>(
        sut.databaseUrl,
        `INSERT INTO simulation_state (name, kind, status, seed, config, tasks_total) VALUES ('no state', 'batch', 'failed', 1, '{}', 10) RETURNING id`,
      );

      const missing = await place({ ...TASK, runId: 999_999 });
      const noState = await placeBatch({ tasks: [TASK], runId: stateless.id });

      expect([missing.status, missing.body.message]).toEqual([404, ['run 999999 not found']]);
      expect(noState.status).toBe(409);
      expect(noState.body.message).toEqual([expect.stringMatching(new RegExp(`^run ${stateless.id} has no machine state yet`))]);
    });

    it("places on the machines of a run this process is executing as its last checkpoint left them (its engine steps in a worker thread)", async () => {
      const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 1_000_000, seed: 4 });
      expect(created.status).toBe(202);
      try {
        // 409 until the run's first checkpoint (SIM_CHECKPOINT_TASKS) is committed.
        let res = await place({ ...TASK, runId: created.body.id });
        while (res.status === 409) {
          await new Promise((r) => setTimeout(r, 50));
          res = await place({ ...TASK, runId: created.body.id });
        }

        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ runId: created.body.id, source: 'checkpoint' });
        expect(res.body.tasksProcessed).toBeGreaterThan(0);
      } finally {
        expect((await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
      }
    }, 120_000);

    it("places on a finished run's machines as it left them, at the arrival of its last task", async () => {
      const { csv, tasks } = traceCsv(120, 5);
      const created = await postCsv(`${sut.url}/api/simulation/runs?seed=5`, csv);
      expect(created.status).toBe(202);
      await waitForRun(sut.url, created.body.id);
      const [row] = await query<{ rng_state: { taskIndex: number; engine: unknown } }>(sut.databaseUrl, 'SELECT rng_state FROM simulation_state WHERE id = $1', [created.body.id]);
      const engine = SimulationEngine.restore(row.rng_state.engine);
      const now = tasks[tasks.length - 1].arrivalTime;

      const res = await place({ ...TASK, runId: created.body.id });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ runId: created.body.id, source: 'checkpoint', tasksProcessed: 120, now });
      const expected = engine.placement({ ...TASK, id: -1, durationEstimate: res.body.durationEstimate, arrivalTime: now, dependencies: [] });
      for (const [name, o] of Object.entries(expected.placements)) {
        expect(byStrategy(res.body.placements)[name]).toMatchObject({ gpuFraction: o.gpuFraction, gpuId: o.gpuId, startTime: o.startTime, finishTime: o.finishTime, energy: o.energy });
      }
    }, 120_000);
  });

  describe('batch', () => {
    const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'];
    type Totals = { strategy: string; finishTime: number; meanCompletionTime: number; energy: number; cost: number; score: number };

    it('places the first task of a batch as the single-task form does, for every strategy', async () => {
      const single = await place({ ...TASK, weights: { time: 1, energy: 1 } });

      for (const strategy of STRATEGIES) {
        const batch = await placeBatch({ tasks: [TASK, TASK], weights: { time: 1, energy: 1 }, strategy });

        expect(batch.status).toBe(200);
        expect(batch.body).toMatchObject({ runId: continuousId, source: 'live', now: single.body.now, tasksProcessed: single.body.tasksProcessed, strategy });
        const { strategy: name, score, ...first } = byStrategy(single.body.placements)[strategy];
        expect([name, typeof score]).toEqual([strategy, 'number']);
        expect(batch.body.placements[0]).toEqual({ index: 0, durationEstimate: single.body.durationEstimate, ...first });
      }
    });

    it('places the tasks in sequence: each sees the earlier ones in the queues, and each strategy moves on', async () => {
      const body = { tasks: Array.from({ length: 10 }, () => TASK), machine: 'empty', gpus: 1 };
      for (const strategy of STRATEGIES) {
        const res = await placeBatch({ ...body, strategy });

        expect(res.status).toBe(200);
        const own = res.body.placements as (Option & { index: number })[];
        expect(own.map((o) => o.index)).toEqual([...Array(10).keys()]);
        // Ten equal tasks on one CPU and one GPU, all arriving at once: the later ones queue.
        expect(own[0].waitTime).toBeCloseTo(0, 9);
        expect(own[9].waitTime).toBeGreaterThan(0);
        expect(own[9].completionTime).toBeGreaterThan(own[0].completionTime);
        // round_robin takes turns (CPU, then the GPU) instead of placing every task on the same slot.
        if (strategy === 'round_robin') expect(own.slice(0, 4).map((o) => o.gpuFraction)).toEqual([0, 1, 0, 1]);
      }
    });

    it('totals each strategy over the batch, recommends the one with the lowest score and lists its placements', async () => {
      const body = { tasks: Array.from({ length: 20 }, (_, i) => ({ ...TASK, size: 500 + 100 * i })), machine: 'empty', weights: { time: 1, cost: 2 } };
      const res = await placeBatch(body);

      expect(res.status).toBe(200);
      const strategies = res.body.strategies as Totals[];
      expect(strategies.map((s) => s.strategy)).toEqual(STRATEGIES);
      for (const s of strategies) {
        const own = (await placeBatch({ ...body, strategy: s.strategy })).body.placements as Option[];
        expect(s.finishTime).toBe(Math.max(...own.map((o) => o.finishTime)));
        expect(s.meanCompletionTime).toBeCloseTo(own.reduce((a, o) => a + o.completionTime, 0) / own.length, 9);
        expect(s.cost).toBeCloseTo(own.reduce((a, o) => a + o.cost, 0), 12);
      }
      const best = { time: Math.min(...strategies.map((s) => s.meanCompletionTime)), cost: Math.min(...strategies.map((s) => s.cost)) };
      for (const s of strategies) expect(s.score).toBeCloseTo(s.meanCompletionTime / best.time + (2 * s.cost) / best.cost, 9);
      expect(res.body.recommendation.score).toBe(Math.min(...strategies.map((s) => s.score)));
      expect(res.body.strategy).toBe(res.body.recommendation.strategy);
    });

    it('places 1,000 tasks and answers 400 to 1,001, to none, and to a bad task, one line per field', async () => {
      const ok = await placeBatch({ tasks: Array.from({ length: 1000 }, () => TASK) });
      const tooMany = await placeBatch({ tasks: Array.from({ length: 1001 }, () => TASK) });
      const none = await placeBatch({ tasks: [] });
      const bad = await placeBatch({ tasks: [TASK, { size: 0, computeIntensity: 2, memoryRequired: 'x', foo: 1 }] });
      const badOptions = await placeBatch({ tasks: 'all', weights: { time: -1 }, foo: 1 });
      const notAnObject = await placeBatch([TASK]);

      expect(ok.status).toBe(200);
      expect(ok.body.placements).toHaveLength(1000);
      expect([tooMany.status, tooMany.body.message]).toEqual([400, ['tasks must contain no more than 1000 elements']]);
      expect([none.status, none.body.message]).toEqual([400, ['tasks must contain at least 1 elements']]);
      expect([bad.status, bad.body.message]).toEqual([
        400,
        [
          'tasks.1.foo: property foo should not exist',
          'tasks.1.size must not be less than 1',
          'tasks.1.computeIntensity must not be greater than 1',
          'tasks.1.memoryRequired must be a number conforming to the specified constraints',
        ],
      ]);
      expect([badOptions.status, badOptions.body.message]).toEqual([400, ['foo: property foo should not exist', 'weights.time must not be less than 0', 'tasks must be an array']]);
      expect([notAnObject.status, notAnObject.body.message]).toEqual([400, ['the body must be a JSON object']]);
    });

    it('answers 400 to a strategy that is unknown or not among the run\'s', async () => {
      const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 20, seed: 3, strategies: ['greedy', 'eft'] });
      await waitForRun(sut.url, created.body.id);

      const unknown = await placeBatch({ tasks: [TASK], machine: 'empty', strategy: 'fifo' });
      const notRun = await placeBatch({ tasks: [TASK], runId: created.body.id, strategy: 'random' });
      const ran = await placeBatch({ tasks: [TASK], runId: created.body.id, strategy: 'eft' });

      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toEqual([expect.stringMatching(/^strategy must be one of the following values: .*round_robin/)]);
      expect([notRun.status, notRun.body.message]).toEqual([400, ["strategy must be one of this run's strategies: greedy, eft"]]);
      expect(ran.body).toMatchObject({ source: 'checkpoint', tasksProcessed: 20, strategy: 'eft' });
      expect((ran.body.strategies as { strategy: string }[]).map((s) => s.strategy)).toEqual(['greedy', 'eft']);
    }, 60_000);
  });

  describe('OpenAPI', () => {
    it('gives every number of the placement requests and answers its unit and meaning', async () => {
      type Schema = { properties?: Record<string, { type?: string; description?: string; $ref?: string; items?: { $ref?: string } }>; allOf?: { $ref?: string }[] };
      const doc = (await (await fetch(`${sut.url}/docs-json`)).json()) as { components: { schemas: Record<string, Schema> } };
      const names = ['PlacementRequest', 'PlacementBatchRequest', 'ObjectiveWeights', 'PlacementTask', 'PlacementResponse', 'PlacementBatchResponse', 'PlacementOption', 'OracleAdvice', 'BatchPlacement', 'StrategyBatchTotals'];
      const unit = /\((s|J|\$|MB|fraction|dimensionless|count|0-based|id|work units)[,;) ]/;
      const missing: string[] = [];
      for (const name of names) {
        const schema = doc.components.schemas[name];
        expect({ name, found: schema !== undefined }).toEqual({ name, found: true });
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          if ((property.type === 'number' || property.type === 'integer') && !unit.test(property.description ?? '')) missing.push(`${name}.${key}: ${property.description}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });

  describe('read-only', () => {
    it("changes no run's state: neither the live engine nor a stored run", async () => {
      // The continuous run's engine is in its worker thread: the same questions get the same answers after.
      const sameBatch = { tasks: Array.from({ length: 20 }, (_, i) => ({ ...TASK, size: 500 + 100 * i })), strategy: 'random' };
      const before = [(await place(TASK)).body, (await placeBatch(sameBatch)).body];
      const { csv } = traceCsv(60, 9);
      const created = await postCsv(`${sut.url}/api/simulation/runs?seed=9`, csv);
      await waitForRun(sut.url, created.body.id);
      const storedRow = `SELECT status, tasks_processed, rng_state, updated_at, summary FROM simulation_state WHERE id = $1`;
      const [stored] = await query(sut.databaseUrl, storedRow, [created.body.id]);
      const stepEmpty = () => placeBatch({ tasks: Array.from({ length: 50 }, () => TASK), machine: 'empty', strategy: 'random' });
      const firstEmpty = await stepEmpty();

      for (const runId of [undefined, continuousId, created.body.id]) {
        expect((await place({ ...TASK, runId })).status).toBe(200);
        expect((await placeBatch({ tasks: Array.from({ length: 50 }, () => TASK), runId })).status).toBe(200);
      }

      expect([(await place(TASK)).body, (await placeBatch(sameBatch)).body]).toEqual(before);
      expect(await query(sut.databaseUrl, storedRow, [created.body.id])).toEqual([stored]);
      // The idle machines too: the same batch gets the same answer again.
      expect((await stepEmpty()).body).toEqual(firstEmpty.body);
      expect((await place(TASK)).body.tasksProcessed).toBe((await status(sut.url)).tasksProcessed);
    }, 120_000);
  });
});

describe('POST /api/tasks/placement on a run stepping on the main thread (SIM_WORKER_THREADS=false)', () => {
  const sut = useTestApp('placement_in_process', { SIM_TICK_MS: '0', SIM_WORKER_THREADS: 'false' });

  it("places on the continuous run's live engine here, and changes nothing of it", async () => {
    expect((await postJson(`${sut.url}/api/simulation/start`, {})).status).toBe(200);
    for (let s = await status(sut.url); s.tasksProcessed < 300; s = await status(sut.url)) await new Promise((r) => setTimeout(r, 20));
    expect((await postJson(`${sut.url}/api/simulation/pause`, {})).status).toBe(200);
    const engine = (sut.app.get(ContinuousRunService).live as InProcessRun).engine;
    const before = JSON.stringify(engine.snapshot());

    const single = await postJson(`${sut.url}/api/tasks/placement`, TASK);
    const batch = await postJson(`${sut.url}/api/tasks/placement/batch`, { tasks: Array.from({ length: 50 }, () => TASK) });

    expect(single.body).toMatchObject({ source: 'live', tasksProcessed: engine.processed, now: engine.currentTime });
    expect(batch.status).toBe(200);
    expect(JSON.stringify(engine.snapshot())).toBe(before);
    expect((await postJson(`${sut.url}/api/simulation/stop`, {})).status).toBe(200);
  }, 120_000);

  it('places on the live machines of a run this process is executing', async () => {
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 1_000_000, seed: 4 });
    expect(created.status).toBe(202);
    try {
      const progress = async () => ((await (await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`)).json()) as { tasksProcessed: number }).tasksProcessed;
      while ((await progress()) === 0) await new Promise((r) => setTimeout(r, 20));

      const res = await postJson(`${sut.url}/api/tasks/placement`, { ...TASK, runId: created.body.id });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ runId: created.body.id, source: 'live' });
      expect(res.body.tasksProcessed).toBeGreaterThan(0);
    } finally {
      expect((await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    }
  }, 120_000);
});
