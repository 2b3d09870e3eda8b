import { SimulationEngine, type StrategyStatsState } from '../src/engine/index.js';
import { encodeBatch } from '../src/ingest/encoded-batch.js';
import { IngestRepository } from '../src/ingest/ingest.repository.js';
import { RunBatch } from '../src/ingest/run-batch.js';
import { query } from './support/database.js';
import { insertRun } from './support/fixtures.js';
import { postJson, waitForRun } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

// At least 100k tasks, so the percentiles are checked where the sketch's buckets hold many values.
const TASKS = 100_000;
const ALPHA = 0.005;

interface Entry {
  scheduler: string;
  tasks: number;
  meanCompletionTime: number;
  p50CompletionTime: number;
  p95CompletionTime: number;
  p99CompletionTime: number;
  meanExecTime: number;
  meanWaitTime: number;
  totalEnergy: number;
  totalCost: number;
  wins: number;
  losses: number;
  meanRegret: number;
}

interface Board {
  runId: number;
  percentileMethod: 'sketch' | 'exact';
  percentileRelativeError: number | null;
  items: Entry[];
}

// Sums over the same doubles in another order: equal to the last bits of the result.
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
const byName = <T extends { scheduler: string }>(items: T[]) => new Map(items.map((i) => [i.scheduler, i]));

describe('running aggregates of a run', () => {
  const sut = useTestApp('aggregates', {}, { timeout: 300_000 });
  let runId: number;
  const board = async (query = ''): Promise<Board> => (await (await fetch(`${sut.url}/api/metrics/leaderboard?runId=${runId}${query}`)).json()) as Board;
  const stored = (id: number) =>
    query<{ scheduler_name: string; through_task: number; tasks: number; wins: number; losses: number; state: StrategyStatsState }>(
      sut.databaseUrl,
      'SELECT scheduler_name, through_task, tasks, wins, losses, state FROM strategy_aggregates WHERE run_id = $1 ORDER BY scheduler_name',
      [id],
    );

  beforeAll(async () => {
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: TASKS, seed: 21 });
    runId = created.body.id as number;
    await waitForRun(sut.url, runId, 280_000);
  }, 300_000);

  it('give counts, means, totals, wins, losses and regret equal to a recomputation from the rows', async () => {
    const rows = await query<Entry>(
      sut.databaseUrl,
      `SELECT r.scheduler_name AS scheduler, count(*)::int AS tasks, avg(r.completion_time) AS "meanCompletionTime", avg(r.exec_time) AS "meanExecTime",
              avg(r.wait_time) AS "meanWaitTime", sum(r.energy_consumption) AS "totalEnergy", sum(r.execution_cost) AS "totalCost",
              count(*) FILTER (WHERE r.won)::int AS wins,
              CASE WHEN r.scheduler_name = 'oracle' THEN 0 ELSE count(*) FILTER (WHERE NOT r.won) END::int AS losses,
              avg(r.exec_time - o.exec_time) AS "meanRegret"
         FROM scheduler_results r JOIN scheduler_results o ON o.run_id = r.run_id AND o.task_id = r.task_id AND o.scheduler_name = 'oracle'
        WHERE r.run_id = $1 GROUP BY r.scheduler_name`,
      [runId],
    );
    const sut_ = await board();

    expect(sut_.percentileMethod).toBe('sketch');
    expect(sut_.percentileRelativeError).toBe(ALPHA);
    expect(sut_.items).toHaveLength(7);
    const recomputed = byName(rows);
    for (const entry of sut_.items) {
      const row = recomputed.get(entry.scheduler) as Entry;
      expect([entry.scheduler, entry.tasks, entry.wins, entry.losses]).toEqual([row.scheduler, TASKS, row.wins, row.losses]);
      for (const key of ['meanCompletionTime', 'meanExecTime', 'meanWaitTime', 'totalEnergy', 'totalCost', 'meanRegret'] as const) near(entry[key], row[key]);
    }
    // The stored columns say the same as the state they come from.
    for (const a of await stored(runId)) {
      expect([a.through_task, a.tasks, a.wins, a.losses]).toEqual([TASKS, TASKS, recomputed.get(a.scheduler_name)?.wins, recomputed.get(a.scheduler_name)?.losses]);
    }
  });

  it(`give percentiles within ${ALPHA * 100}% of percentile_cont over the same rows (?exact=true)`, async () => {
    const sketched = byName((await board()).items);
    const exact = await board('&exact=true');

    expect([exact.percentileMethod, exact.percentileRelativeError]).toEqual(['exact', null]);
    expect(exact.items).toHaveLength(7);
    for (const e of exact.items) {
      const s = sketched.get(e.scheduler) as Entry;
      for (const key of ['p50CompletionTime', 'p95CompletionTime', 'p99CompletionTime'] as const) {
        expect(Math.abs(s[key] - e[key])).toBeLessThanOrEqual(ALPHA * e[key] * (1 + 1e-9));
      }
      // Ranks, counts and means do not depend on the method.
      expect([s.tasks, s.wins, s.losses]).toEqual([e.tasks, e.wins, e.losses]);
      near(s.meanCompletionTime, e.meanCompletionTime);
    }
    expect((await board()).items.map((e) => e.scheduler)).toEqual(exact.items.map((e) => e.scheduler));
  });

  it('say the same in one strategy\'s standing', async () => {
    const res = await fetch(`${sut.url}/api/metrics/schedulers/eft?runId=${runId}`);
    const body = (await res.json()) as { percentileMethod: string; percentileRelativeError: number; standing: Entry };

    expect([res.status, body.percentileMethod, body.percentileRelativeError]).toEqual([200, 'sketch', ALPHA]);
    expect(body.standing).toEqual(byName((await board()).items).get('eft'));
  });

  it('are never counted twice: a replayed flush, or one from before the stored state, changes nothing; a later one replaces them', async () => {
    const before = await stored(runId);
    const ingest = sut.app.get(IngestRepository);
    const engine = SimulationEngine.create({ seed: 5 });
    for (let i = 0; i < 3; i++) engine.step(engine.nextTask());
    const flush = async (throughTask: number, stats: Record<string, StrategyStatsState>) => {
      const batch = new RunBatch(true);
      batch.aggregates = { throughTask, stats };
      await ingest.flush(encodeBatch(runId, batch), true, async () => undefined);
    };
    const replayed = Object.fromEntries(before.map((a) => [a.scheduler_name, a.state]));

    await flush(TASKS, replayed);
    await flush(TASKS / 2, engine.statsState());
    await flush(TASKS, engine.statsState());

    expect(await stored(runId)).toEqual(before);

    await flush(TASKS + 1, engine.statsState());

    expect((await stored(runId)).map((a) => [a.through_task, a.tasks])).toEqual(before.map(() => [TASKS + 1, 3]));
  });

  it('let two flushes in flight commit in order when the later one wrote its rows first', async () => {
    const ingest = sut.app.get(IngestRepository);
    const engine = SimulationEngine.create({ seed: 6 });
    const batch = (tasks: number) => {
      while (engine.processed < tasks) engine.step(engine.nextTask());
      const b = new RunBatch(true);
      b.aggregates = { throughTask: TASKS + 10 + tasks, stats: engine.statsState() };
      return b;
    };
    const [first, second] = [batch(1), batch(2)];
    let firstCommitted!: () => void;
    const firstCommit = new Promise<void>((resolve) => (firstCommitted = resolve));
    let secondWaits!: () => void;
    const secondAtCommit = new Promise<void>((resolve) => (secondWaits = resolve));

    // As RunStore does: the later flush's transaction waits for the earlier one's commit.
    const later = ingest.flush(encodeBatch(runId, second), true, async () => {
      secondWaits();
      await firstCommit;
    });
    await secondAtCommit;
    await ingest.flush(encodeBatch(runId, first), true, async () => undefined);
    firstCommitted();
    await later;

    expect((await stored(runId)).map((a) => [a.through_task, a.tasks])).toEqual(Array(7).fill([TASKS + 12, 2]));
  }, 60_000);

  it('are read exactly for a run that has none (flushed before they existed)', async () => {
    const old = await insertRun(sut.databaseUrl, { tasks: 30, seed: 2 });
    const res = (await (await fetch(`${sut.url}/api/metrics/leaderboard?runId=${old.runId}`)).json()) as Board;

    expect([res.percentileMethod, res.percentileRelativeError, res.items.length]).toEqual(['exact', null, 7]);
  });

  it('go with their run', async () => {
    const res = await fetch(`${sut.url}/api/simulation/runs/${runId}`, { method: 'DELETE' });

    expect(res.status).toBe(204);
    expect(await stored(runId)).toEqual([]);
  });

  it('reject a flag that is not true or false with a 400', async () => {
    const res = await fetch(`${sut.url}/api/metrics/leaderboard?exact=yes`);

    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('exact must be true or false');
  });
});
