import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { appendTasks, insertRun, ORACLE, percentileCont, STRATEGIES, type FixtureRun } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

/** Follows nextCursor from the first page to the last. */
async function walk<T>(url: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const { status, body }: { status: number; body: Page<T> } = await getJson<Page<T>>(cursor ? `${url}${sep}cursor=${cursor}` : url);
    expect(status).toBe(200);
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const closeTo = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

describe('read API', () => {
  const sut = useTestApp('read_api');
  let run: FixtureRun;

  beforeAll(async () => {
    run = await insertRun(sut.databaseUrl, { tasks: 400, seed: 7, modelVersions: 3 });
  });

  describe('leaderboard', () => {
    it('equals a direct computation over the stored results', async () => {
      const { status, body } = await getJson<{ runId: number; items: Record<string, number | string>[] }>(`${sut.url}/api/metrics/leaderboard?runId=${run.runId}`);
      expect(status).toBe(200);
      expect(body.runId).toBe(run.runId);
      expect(body.items.map((e) => e.scheduler).sort()).toEqual([...STRATEGIES].sort());

      const byTask = new Map<number, typeof run.results>();
      for (const r of run.results) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);
      const oracleExec = new Map(run.results.filter((r) => r.schedulerName === ORACLE).map((r) => [r.taskId, r.execTime]));
      const wins = new Map<string, number>();
      for (const rs of byTask.values()) {
        const contenders = rs.filter((r) => r.schedulerName !== ORACLE);
        const best = Math.min(...contenders.map((r) => r.completionTime));
        for (const r of contenders) if (r.completionTime === best) wins.set(r.schedulerName, (wins.get(r.schedulerName) ?? 0) + 1);
      }

      for (const entry of body.items) {
        const mine = run.results.filter((r) => r.schedulerName === entry.scheduler);
        const completion = mine.map((r) => r.completionTime).sort((a, b) => a - b);
        expect(entry.tasks).toBe(run.tasks.length);
        closeTo(entry.meanCompletionTime as number, mean(completion));
        closeTo(entry.p50CompletionTime as number, percentileCont(completion, 0.5));
        closeTo(entry.p95CompletionTime as number, percentileCont(completion, 0.95));
        closeTo(entry.p99CompletionTime as number, percentileCont(completion, 0.99));
        closeTo(entry.meanExecTime as number, mean(mine.map((r) => r.execTime)));
        closeTo(entry.meanWaitTime as number, mean(mine.map((r) => r.waitTime)));
        closeTo(entry.totalEnergy as number, mine.reduce((a, r) => a + r.energyConsumption, 0));
        closeTo(entry.totalCost as number, mine.reduce((a, r) => a + r.executionCost, 0));
        closeTo(entry.meanRegret as number, mean(mine.map((r) => r.execTime - oracleExec.get(r.taskId)!)));
        expect(entry.meanRegret).toBeGreaterThanOrEqual(-1e-12);
        const expectedWins = entry.scheduler === ORACLE ? 0 : (wins.get(entry.scheduler as string) ?? 0);
        expect(entry.wins).toBe(expectedWins);
        expect(entry.losses).toBe(entry.scheduler === ORACLE ? 0 : run.tasks.length - expectedWins);
      }
      const totalWins = body.items.reduce((a, e) => a + (e.wins as number), 0);
      // Every task has at least one winner, and the fixture's ties give some tasks two.
      expect(totalWins).toBeGreaterThan(run.tasks.length);
      // Best mean completion time first.
      const means = body.items.map((e) => e.meanCompletionTime as number);
      expect(means).toEqual([...means].sort((a, b) => a - b));
    });

    it("gives one strategy's standing, and 400 listing the strategies for a name that is none", async () => {
      const board = await getJson<{ items: { scheduler: string }[] }>(`${sut.url}/api/metrics/leaderboard?runId=${run.runId}`);
      const one = await getJson<{ rank: number; standing: { scheduler: string } }>(`${sut.url}/api/metrics/schedulers/eft?runId=${run.runId}`);
      expect(one.status).toBe(200);
      expect(one.body.rank).toBe(board.body.items.findIndex((e) => e.scheduler === 'eft') + 1);
      expect(one.body.standing).toEqual(board.body.items.find((e) => e.scheduler === 'eft'));
      for (const name of ['nobody', 'NO-WAY']) {
        const res = await fetch(`${sut.url}/api/metrics/schedulers/${name}?runId=${run.runId}`);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { message: string[] }).message).toEqual(['name must be one of: round_robin, random, greedy, hybrid_ml, rl_agent, oracle, eft']);
      }
    });

    it('uses the latest continuous run when runId is omitted, and answers 404 while there is none', async () => {
      const none = await getJson<Record<string, unknown>>(`${sut.url}/api/metrics/leaderboard`);
      expect(none.status).toBe(404);
      const continuous = await insertRun(sut.databaseUrl, { tasks: 20, kind: 'continuous', seed: 3 });
      const board = await getJson<{ runId: number; items: unknown[] }>(`${sut.url}/api/metrics/leaderboard`);
      expect(board.status).toBe(200);
      expect(board.body.runId).toBe(continuous.runId);
      expect(board.body.items).toHaveLength(STRATEGIES.length);
    });

    it('follows a newer continuous run: at once when this process starts it, within 100 ms when another process does', async () => {
      const leaderboard = `${sut.url}/api/metrics/leaderboard`;
      const before = (await getJson<{ runId: number }>(leaderboard)).body.runId;
      const other = await insertRun(sut.databaseUrl, { tasks: 5, kind: 'continuous', seed: 4 });
      expect(other.runId).toBeGreaterThan(before);
      const started = Date.now();
      while ((await getJson<{ runId: number }>(leaderboard)).body.runId !== other.runId) {
        expect(Date.now() - started).toBeLessThan(1000);
        await new Promise((r) => setTimeout(r, 10));
      }
      const start = await fetch(`${sut.url}/api/simulation/start`, { method: 'POST' });
      expect(start.status).toBe(200);
      try {
        const status = (await getJson<{ runId: number }>(`${sut.url}/api/simulation/status`)).body;
        expect(status.runId).toBeGreaterThan(other.runId);
        expect((await getJson<{ runId: number }>(leaderboard)).body.runId).toBe(status.runId);
      } finally {
        await fetch(`${sut.url}/api/simulation/stop`, { method: 'POST' });
      }
    });
  });

  describe('paging', () => {
    it('walks every result exactly once, in key order, while new tasks are being written', async () => {
      const live = await insertRun(sut.databaseUrl, { tasks: 150, seed: 11 });
      const before = new Set(live.results.map((r) => `${r.taskId}:${r.schedulerName}`));
      const client = new pg.Client({ connectionString: sut.databaseUrl });
      await client.connect();
      let writing = true;
      let next = 150;
      // Bounded: the walk runs in key order towards the rows being appended, so an endless writer could outrun it.
      const writer = (async () => {
        while (writing && next < 400) {
          await appendTasks(client, live.runId, next, 5, 11);
          next += 5;
        }
      })();
      try {
        const seen = await walk<{ taskId: number; schedulerName: string }>(`${sut.url}/api/results?runId=${live.runId}&limit=29`);
        const keys = seen.map((r) => `${r.taskId}:${r.schedulerName}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of before) expect(keys).toContain(key);
        const order = seen.map((r) => [r.taskId, r.schedulerName] as const);
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [order[i - 1], order[i]];
          expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
        }
        const tasks = await walk<{ taskId: number }>(`${sut.url}/api/tasks?runId=${live.runId}&limit=17`);
        const taskIds = tasks.map((t) => t.taskId);
        expect(new Set(taskIds).size).toBe(taskIds.length);
        for (let id = 0; id < 150; id++) expect(taskIds).toContain(id);
      } finally {
        writing = false;
        await writer;
        await client.end();
      }
      expect(next).toBeGreaterThan(150);
    }, 30_000);

    it('pages the comparative view latest task first, every strategy side by side', async () => {
      const items = await walk<{ taskId: number; results: Record<string, { completionTime: number }>; winners: string[] }>(
        `${sut.url}/api/results/comparative?runId=${run.runId}&limit=64`,
      );
      expect(items.map((i) => i.taskId)).toEqual(run.tasks.map((t) => t.taskId).reverse());
      const task10 = items.find((i) => i.taskId === 10)!;
      expect(Object.keys(task10.results).sort()).toEqual([...STRATEGIES].sort());
      const contenders = run.results.filter((r) => r.taskId === 10 && r.schedulerName !== ORACLE);
      const best = Math.min(...contenders.map((r) => r.completionTime));
      expect(task10.winners.sort()).toEqual(contenders.filter((r) => r.completionTime === best).map((r) => r.schedulerName).sort());
      const expected = run.results.find((r) => r.taskId === 10 && r.schedulerName === 'rl_agent')!;
      expect(task10.results.rl_agent.completionTime).toBe(expected.completionTime);
    });
  });

  describe('task ranges', () => {
    it('reads the results and the tasks of a task range (taskFrom, taskTo inclusive)', async () => {
      const results = await getJson<Page<{ taskId: number; schedulerName: string }>>(`${sut.url}/api/results?runId=${run.runId}&scheduler=eft&taskFrom=100&taskTo=119&limit=50`);
      expect(results.status).toBe(200);
      expect(results.body.items.map((r) => r.taskId)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
      expect(new Set(results.body.items.map((r) => r.schedulerName))).toEqual(new Set(['eft']));
      const tasks = await getJson<Page<{ taskId: number }>>(`${sut.url}/api/tasks?runId=${run.runId}&taskFrom=398&limit=50`);
      expect(tasks.body.items.map((t) => t.taskId)).toEqual([398, 399]);
      const upTo = await getJson<Page<{ taskId: number }>>(`${sut.url}/api/tasks?runId=${run.runId}&taskTo=2`);
      expect(upTo.body.items.map((t) => t.taskId)).toEqual([0, 1, 2]);
      expect((await fetch(`${sut.url}/api/results?taskFrom=-1`)).status).toBe(400);
    });
  });

  describe('CSV export', () => {
    it('streams results that parse back to the JSON rows', async () => {
      const json = await walk<Record<string, unknown>>(`${sut.url}/api/results?runId=${run.runId}&limit=1000`);
      const res = await fetch(`${sut.url}/api/results?runId=${run.runId}&format=csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const records = parse(await res.text(), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
      expect(Object.keys(records[0])).toEqual(Object.keys(json[0]));
      const typed = records.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'schedulerName' ? v : v === '' ? null : Number(v)])),
      );
      expect(typed).toEqual(json);
    });

    it('streams the comparative view one line per task', async () => {
      const json = await walk<{ taskId: number; size: number; results: Record<string, Record<string, number | null>> }>(
        `${sut.url}/api/results/comparative?runId=${run.runId}&limit=1000`,
      );
      const res = await fetch(`${sut.url}/api/results/comparative?runId=${run.runId}&format=csv`);
      expect(res.status).toBe(200);
      const records = parse(await res.text(), { columns: true }) as Record<string, string>[];
      expect(records.map((r) => Number(r.taskId))).toEqual(json.map((i) => i.taskId));
      for (const [k, record] of records.entries()) {
        expect(Number(record.size)).toBe(json[k].size);
        for (const s of STRATEGIES) {
          expect(Number(record[`${s}.completionTime`])).toBe(json[k].results[s].completionTime);
          const gpuId = record[`${s}.gpuId`];
          expect(gpuId === '' ? null : Number(gpuId)).toBe(json[k].results[s].gpuId);
        }
      }
    });
  });

  describe('windows and training', () => {
    it('returns the windows of a strategy as a time series', async () => {
      const items = await walk<{ windowStart: number; schedulerName: string }>(`${sut.url}/api/metrics/windows?runId=${run.runId}&scheduler=eft&limit=7`);
      expect(items).toHaveLength(40);
      expect(items.map((w) => w.windowStart)).toEqual(Array.from({ length: 40 }, (_, k) => k * 10));
      expect(new Set(items.map((w) => w.schedulerName))).toEqual(new Set(['eft']));
    });

    it('gives null statistics for windows stored without them (written before windows had them)', async () => {
      const [w] = await walk<Record<string, unknown>>(`${sut.url}/api/metrics/windows?runId=${run.runId}&scheduler=eft&limit=1`);
      expect(w).toMatchObject({ totalTasks: expect.any(Number), percentileMethod: null, percentileRelativeError: null, p95CompletionTime: null, meanRegret: null, scheduling: null });
    });

    it('counts the samples and the label distribution', async () => {
      const { status, body } = await getJson<{ count: number; labelDistribution: { count: number }[]; meanLabel: number }>(`${sut.url}/api/training/stats?runId=${run.runId}`);
      expect(status).toBe(200);
      expect(body.count).toBe(run.tasks.length);
      expect(body.labelDistribution).toHaveLength(10);
      expect(body.labelDistribution.reduce((a, b) => a + b.count, 0)).toBe(run.tasks.length);
      closeTo(body.meanLabel, mean(run.tasks.map((t) => t.optimalGpuFraction)));
    });

    it('lists the model versions newest first, and { current: null, history: [] } before any', async () => {
      const { body } = await getJson<{ current: { version: number }; history: { version: number }[] }>(`${sut.url}/api/training/model?runId=${run.runId}`);
      expect(body.current.version).toBe(3);
      expect(body.history.map((m) => m.version)).toEqual([3, 2, 1]);
      const empty = await insertRun(sut.databaseUrl, { tasks: 5 });
      const none = await getJson<Record<string, unknown>>(`${sut.url}/api/training/model?runId=${empty.runId}`);
      expect(none).toEqual({ status: 200, body: { runId: empty.runId, current: null, history: [] } });
    });

    it('pages training samples latest first', async () => {
      const items = await walk<{ taskId: number }>(`${sut.url}/api/training/data?runId=${run.runId}&limit=150`);
      expect(items.map((s) => s.taskId)).toEqual(run.tasks.map((t) => t.taskId).reverse());
    });
  });

  describe('errors', () => {
    const shape = { statusCode: expect.any(Number), error: expect.any(String), message: expect.anything(), requestId: expect.any(String) };

    it.each([
      ['/api/results?limit=0', 'limit must not be less than 1'],
      ['/api/results?limit=1001', 'limit must not be greater than 1000'],
      ['/api/tasks?limit=abc', 'limit must be an integer number'],
      ['/api/tasks?colour=red', 'colour: unknown query parameter (this route takes cursor, limit, maxIntensity, maxSize, minIntensity, minSize, runId, taskFrom, taskTo)'],
      ['/api/results?format=xml', 'format must be one of the following values: json, csv'],
      ['/api/results?cursor=abc', 'cursor must be a cursor returned by this API'],
      // One codec for every list: these two once restarted from the first page on a cursor not theirs.
      ['/api/simulation/runs?cursor=abc', 'cursor must be a cursor returned by this API'],
      ['/api/training/data?cursor=abc', 'cursor must be a cursor returned by this API'],
      ['/api/metrics/leaderboard?runId=-1', 'runId must not be less than 1'],
      ['/api/tasks?minIntensity=2', 'minIntensity must not be greater than 1'],
      ['/api/tasks/0', 'id must be an integer between 1 and 9007199254740991'],
      ['/api/training/model?limit=5000', 'limit must not be greater than 1000'],
    ])('answers 400 with field messages for %s', async (path, message) => {
      const res = await fetch(`${sut.url}${path}`);
      const body = (await res.json()) as { message: string[] };
      expect(res.status).toBe(400);
      expect(body).toEqual({ ...shape, statusCode: 400, error: 'Bad Request' });
      expect(body.message).toContain(message);
    });

    it('rejects a cursor from another list', async () => {
      const page = await getJson<Page<unknown>>(`${sut.url}/api/results/comparative?runId=${run.runId}&limit=1`);
      expect((await fetch(`${sut.url}/api/results?cursor=${page.body.nextCursor}`)).status).toBe(400);
    });

    it.each([
      ['/api/metrics/leaderboard?runId=987654'],
      ['/api/metrics/windows?runId=987654'],
      ['/api/results?runId=987654'],
      ['/api/results/comparative?runId=987654'],
      ['/api/results/comparative?runId=987654&format=csv'],
      ['/api/tasks/987654321'],
      ['/api/training/stats?runId=987654'],
      ['/api/training/model?runId=987654'],
    ])('answers 404 in the error shape for %s', async (path) => {
      const res = await fetch(`${sut.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ ...shape, statusCode: 404, error: 'Not Found' });
    });

    it('serves a task with every strategy result', async () => {
      const first = await getJson<Page<{ id: number; taskId: number }>>(`${sut.url}/api/tasks?runId=${run.runId}&limit=1`);
      const { status, body } = await getJson<{ taskId: number; results: { schedulerName: string }[] }>(`${sut.url}/api/tasks/${first.body.items[0].id}`);
      expect(status).toBe(200);
      expect(body.results.map((r) => r.schedulerName).sort()).toEqual([...STRATEGIES].sort());
    });
  });
});
