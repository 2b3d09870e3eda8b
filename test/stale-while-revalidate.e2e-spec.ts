import { jest } from '@jest/globals';
import pg from 'pg';
import { CacheService } from '../src/cache/cache.service.js';
import { RunCacheService } from '../src/cache/run-cache.service.js';
import { LeaderboardRepository } from '../src/metrics/leaderboard.repository.js';
import { appendTasks, insertRun, type FixtureRun } from './support/fixtures.js';
import { until } from './support/progress.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { timedGet, useTestApp } from './support/test-app.js';

// The default: what the issue measured with.
const TTL_MS = 5_000;
// RunCacheService's STALE_IF_ERROR_MS.
const STALE_IF_ERROR_MS = 60_000;

type Board = { runId: number; items: { scheduler: string; tasks: number }[] };

/** A gate the leaderboard's query waits at: `entered` once a computation reached it, `open` lets every one through. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  private arrived: () => void = () => undefined;
  readonly entered = new Promise<void>((resolve) => (this.arrived = resolve));
  arrive(): void {
    this.arrived();
  }
}

/** The app's run cache on a clock the test moves (RunCacheService.clock). */
function fakeClock(cache: RunCacheService): { advance(ms: number): void } {
  let now = Date.now();
  cache.clock = () => now;
  return { advance: (ms) => void (now += ms) };
}

(HAS_REDIS_SERVER ? describe : describe.skip)('stale-while-revalidate on Redis', () => {
  let redis: RedisServer;
  const sut = useTestApp(
    'swr',
    { CACHE_TTL_S: String(TTL_MS / 1000) },
    {
      beforeStart: async () => {
        redis = await RedisServer.start();
        return { REDIS_URL: redis.url };
      },
    },
  );
  let cache: RunCacheService;
  let clock: { advance(ms: number): void };
  let aggregates: jest.SpiedFunction<LeaderboardRepository['aggregates']>;
  let gate: Gate | null = null;

  const board = async (run: FixtureRun): Promise<Board> => {
    const res = await timedGet(`${sut.url}/api/metrics/leaderboard?runId=${run.runId}`);
    expect(res.status).toBe(200);
    return res.body as Board;
  };
  const tasksIn = (b: Board) => b.items[0].tasks;

  beforeAll(async () => {
    await until(async () => (await sut.app.get(CacheService).state()) === 'up', 5000, 'cache up');
    cache = sut.app.get(RunCacheService);
    clock = fakeClock(cache);
    // Every leaderboard computation is counted, and waits at the gate while one is set.
    const repository = sut.app.get(LeaderboardRepository);
    const query = repository.aggregates.bind(repository);
    aggregates = jest.spyOn(repository, 'aggregates').mockImplementation(async (runId) => {
      const waiting = gate;
      if (waiting) {
        waiting.arrive();
        await waiting.opened;
      }
      return query(runId);
    });
  }, 60_000);

  afterEach(() => {
    gate?.open();
    gate = null;
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('makes a read with no answer at all wait, and computes once for concurrent ones', async () => {
    const run = await insertRun(sut.databaseUrl, { tasks: 100, seed: 1 });
    gate = new Gate();
    const settled: boolean[] = [];
    const reads = Array.from({ length: 5 }, (_, i) => board(run).finally(() => (settled[i] = true)));
    await gate.entered;
    // The computation is held at the gate: no read has an answer to give yet.
    expect(settled.filter(Boolean)).toEqual([]);
    gate.open();
    const answers = await Promise.all(reads);
    expect(answers.map(tasksIn)).toEqual([100, 100, 100, 100, 100]);
    expect(aggregates.mock.calls.filter(([id]) => id === run.runId)).toHaveLength(1);
  }, 30_000);

  it('gives the expired answer at once after its TTL, while one refresh recomputes it', async () => {
    const run = await insertRun(sut.databaseUrl, { tasks: 120, seed: 2 });
    const computations = () => aggregates.mock.calls.filter(([id]) => id === run.runId).length;
    const first = await board(run);
    expect(computations()).toBe(1);
    clock.advance(TTL_MS + 1);
    gate = new Gate();
    // The gate stays shut while these are read: a read that waited for the refresh would never answer.
    expect(await board(run)).toEqual(first);
    await gate.entered;
    expect(computations()).toBe(2);
    gate.open();
    await cache.whenRefreshed();
    // The refreshed answer is fresh: no computation for the next reads.
    expect(await board(run)).toEqual(first);
    expect(computations()).toBe(2);
    expect(cache.counters.refreshes).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('never makes concurrent readers wait during a refresh, and runs exactly one', async () => {
    const run = await insertRun(sut.databaseUrl, { tasks: 140, seed: 3 });
    const computations = () => aggregates.mock.calls.filter(([id]) => id === run.runId).length;
    const first = await board(run);
    clock.advance(TTL_MS + 1);
    gate = new Gate();
    const reads = await Promise.all(Array.from({ length: 20 }, () => board(run)));
    await gate.entered;
    // Twenty readers, all answered while the one refresh is held at the gate.
    expect(reads.every((b) => tasksIn(b) === tasksIn(first))).toBe(true);
    expect(await Promise.all(Array.from({ length: 20 }, () => board(run)))).toEqual(Array(20).fill(first));
    expect(computations()).toBe(2);
    gate.open();
    await cache.whenRefreshed();
    expect(computations()).toBe(2);
  }, 30_000);

  it("gives the previous version's answer while a flushed run's new one computes, then the new one", async () => {
    const run = await insertRun(sut.databaseUrl, { tasks: 160, seed: 4 });
    const computations = () => aggregates.mock.calls.filter(([id]) => id === run.runId).length;
    expect(tasksIn(await board(run))).toBe(160);
    const db = new pg.Client({ connectionString: sut.databaseUrl });
    await db.connect();
    await appendTasks(db, run.runId, 160, 10, 4);
    await db.end();
    // What a flush does after writing.
    await cache.runWritten(run.runId);
    gate = new Gate();
    expect(tasksIn(await board(run))).toBe(160);
    await gate.entered;
    expect(tasksIn(await board(run))).toBe(160);
    expect(computations()).toBe(2);
    gate.open();
    await cache.whenRefreshed();
    const after = await board(run);
    expect(after.items.every((e) => e.tasks === 170)).toBe(true);
    expect(computations()).toBe(2);
  }, 30_000);

  it('gives the held answer at once while Redis is frozen, and refreshes it from PostgreSQL', async () => {
    const run = await insertRun(sut.databaseUrl, { tasks: 110, seed: 7 });
    const computations = () => aggregates.mock.calls.filter(([id]) => id === run.runId).length;
    const first = await board(run);
    clock.advance(TTL_MS + 1);
    gate = new Gate();
    redis.freeze();
    try {
      // The version lookup times out and Redis is bypassed: the held answer is still given.
      expect(await board(run)).toEqual(first);
      await gate.entered;
      expect(await board(run)).toEqual(first);
      expect(computations()).toBe(2);
      gate.open();
      await cache.whenRefreshed();
      expect(await board(run)).toEqual(first);
      expect(computations()).toBe(2);
    } finally {
      redis.thaw();
    }
    // Past the bypass (on the test's clock), with Redis answering again.
    clock.advance(1001);
    await until(async () => (await sut.app.get(CacheService).state()) === 'up', 5000, 'cache up');
  }, 30_000);

  it('gives no answer from before a deletion-like invalidation: the next read waits for the current one', async () => {
    const run = await insertRun(sut.databaseUrl, { tasks: 180, seed: 5 });
    expect(tasksIn(await board(run))).toBe(180);
    const db = new pg.Client({ connectionString: sut.databaseUrl });
    await db.connect();
    await appendTasks(db, run.runId, 180, 10, 5);
    await db.end();
    await cache.invalidateRun(run.runId);
    expect((await board(run)).items.every((e) => e.tasks === 190)).toBe(true);
  }, 30_000);
});

(HAS_REDIS_SERVER ? describe : describe.skip)('stale-while-revalidate with PostgreSQL away', () => {
  let redis: RedisServer;
  const sut = useTestApp(
    'swr_db_away',
    { CACHE_TTL_S: String(TTL_MS / 1000) },
    {
      proxy: true,
      beforeStart: async () => {
        redis = await RedisServer.start();
        return { REDIS_URL: redis.url };
      },
    },
  );
  let cache: RunCacheService;
  let run: FixtureRun;

  beforeAll(async () => {
    await until(async () => (await sut.app.get(CacheService).state()) === 'up', 5000, 'cache up');
    cache = sut.app.get(RunCacheService);
    run = await insertRun(sut.databaseUrl, { tasks: 100, seed: 6 });
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps giving the last answer while refreshes fail, for a bounded time, then answers 503 until PostgreSQL is back', async () => {
    const clock = fakeClock(cache);
    const url = `${sut.url}/api/metrics/leaderboard?runId=${run.runId}`;
    const first = await timedGet(url);
    expect(first.status).toBe(200);

    await sut.proxy.cut();
    clock.advance(TTL_MS + 1);
    // Stale: given at once, and its refresh fails in the background.
    expect(await timedGet(url)).toMatchObject({ status: 200, body: first.body });
    await cache.whenRefreshed();
    expect(cache.counters.refreshFailures).toBe(1);
    // Past the TTL and the stale-while-revalidate window, still the last answer: refreshes are failing.
    clock.advance(TTL_MS + 1);
    expect(await timedGet(url)).toMatchObject({ status: 200, body: first.body });
    await cache.whenRefreshed();
    expect(cache.counters.refreshFailures).toBe(2);
    // Up to STALE_IF_ERROR_MS past its TTL, then it is no longer given.
    clock.advance(STALE_IF_ERROR_MS - TTL_MS - 10);
    expect(await timedGet(url)).toMatchObject({ status: 200, body: first.body });
    await cache.whenRefreshed();
    clock.advance(10);
    const late = await timedGet(url);
    expect(late.status).toBe(503);

    await sut.proxy.restore();
    await until(async () => (await timedGet(url)).status === 200, 10_000, 'leaderboard back');
    expect((await timedGet(url)).body).toEqual(first.body);
  }, 60_000);
});
