import { jest } from '@jest/globals';
import pg from 'pg';
import { createClient } from 'redis';
import { CacheService } from '../src/cache/cache.service.js';
import { RunCacheService } from '../src/cache/run-cache.service.js';
import { LeaderboardRepository } from '../src/metrics/leaderboard.repository.js';
import { LeaderboardService } from '../src/metrics/leaderboard.service.js';
import { appendTasks, insertRun, type FixtureRun } from './support/fixtures.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { startTestApp, timedGet, useTestApp } from './support/test-app.js';

const CACHE_TIMEOUT_MS = 200;
// Cache timeout + a generous allowance for the queries on a loaded 2-core machine.
const BUDGET_MS = CACHE_TIMEOUT_MS + 800;

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

(HAS_REDIS_SERVER ? describe : describe.skip)('cached reads on Redis', () => {
  let redis: RedisServer;
  const sut = useTestApp(
    'read_cache',
    { CACHE_TIMEOUT_MS: String(CACHE_TIMEOUT_MS), CACHE_TTL_S: '60' },
    {
      beforeStart: async () => {
        redis = await RedisServer.start();
        return { REDIS_URL: redis.url };
      },
    },
  );
  let run: FixtureRun;
  let client: ReturnType<typeof createClient>;
  let redisStopped = false;
  const paths = () => [
    `/api/metrics/leaderboard?runId=${run.runId}`,
    `/api/results/comparative?runId=${run.runId}&limit=20`,
    `/api/metrics/windows?runId=${run.runId}&scheduler=eft`,
    `/api/training/stats?runId=${run.runId}`,
    `/api/training/model?runId=${run.runId}`,
  ];

  beforeAll(async () => {
    await waitUntil(async () => (await sut.app.get(CacheService).state()) === 'up');
    run = await insertRun(sut.databaseUrl, { tasks: 200, seed: 5, modelVersions: 2 });
    client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
  });

  afterAll(async () => {
    if (client?.isOpen) await client.disconnect().catch(() => undefined);
    if (!redisStopped) await redis?.stop();
  });

  it('leaves each cached read under its run-versioned key in Redis, with the TTL', async () => {
    for (const path of paths()) expect((await timedGet(`${sut.url}${path}`)).status).toBe(200);
    const key = await sut.app.get(RunCacheService).currentKey(run.runId, 'leaderboard', {});
    await waitUntil(async () => (await client.exists(key)) === 1);
    const ttl = await client.pTTL(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const keys = await client.keys(`run:${run.runId}:v*`);
    for (const name of ['leaderboard', 'comparative', 'windows', 'training-stats', 'training-model']) {
      expect(keys.some((k) => k.includes(`:${name}:`))).toBe(true);
    }
    // The stored value is the answer with when its computation started; a second read is answered from process memory.
    const localHitsBefore = sut.app.get(RunCacheService).counters.localHits;
    const again = await timedGet(`${sut.url}${paths()[0]}`);
    expect(JSON.parse((await client.get(key))!)).toEqual({ at: expect.any(Number), answer: again.body });
    expect(sut.app.get(RunCacheService).counters.localHits).toBe(localHitsBefore + 1);
  });

  it('answers with the new data right after the run is invalidated (as a deletion does)', async () => {
    const before = (await timedGet(`${sut.url}${paths()[0]}`)).body as { items: { tasks: number }[] };
    expect(before.items[0].tasks).toBe(200);
    const db = new pg.Client({ connectionString: sut.databaseUrl });
    await db.connect();
    await appendTasks(db, run.runId, 200, 10, 5);
    await db.end();
    // Without an invalidation the cached answer is still served ...
    expect(((await timedGet(`${sut.url}${paths()[0]}`)).body as typeof before).items[0].tasks).toBe(200);
    const oldKey = await sut.app.get(RunCacheService).currentKey(run.runId, 'leaderboard', {});
    await sut.app.get(RunCacheService).invalidateRun(run.runId);
    // ... and with it, every read of the run is recomputed under a new key.
    const after = (await timedGet(`${sut.url}${paths()[0]}`)).body as typeof before;
    expect(after.items.every((e) => e.tasks === 210)).toBe(true);
    expect(await sut.app.get(RunCacheService).currentKey(run.runId, 'leaderboard', {})).not.toBe(oldKey);
    const comparative = (await timedGet(`${sut.url}${paths()[1]}`)).body as { items: { taskId: number }[] };
    expect(comparative.items[0].taskId).toBe(209);
  });

  it('serves the new data once another process invalidated the run in Redis', async () => {
    const before = (await timedGet(`${sut.url}${paths()[0]}`)).body as { items: { tasks: number }[] };
    const db = new pg.Client({ connectionString: sut.databaseUrl });
    await db.connect();
    await appendTasks(db, run.runId, before.items[0].tasks, 5, 5);
    await db.end();
    // What another replica's flush does: a newer version of the run in the shared cache.
    await client.set(`run:${run.runId}:version`, String(Date.now() + 60_000));
    await waitUntil(async () => ((await timedGet(`${sut.url}${paths()[0]}`)).body as typeof before).items[0].tasks === before.items[0].tasks + 5, 1000);
  });

  it('computes every read from PostgreSQL when CACHE_TTL_S=0', async () => {
    const uncached = await startTestApp(sut.databaseUrl, { REDIS_URL: redis.url, CACHE_TTL_S: '0' });
    try {
      const first = (await timedGet(`${uncached.url}${paths()[0]}`)).body as { items: { tasks: number }[] };
      const db = new pg.Client({ connectionString: sut.databaseUrl });
      await db.connect();
      await appendTasks(db, run.runId, first.items[0].tasks, 3, 5);
      await db.end();
      // No invalidation: the next read sees the new rows because nothing was kept.
      const second = (await timedGet(`${uncached.url}${paths()[0]}`)).body as typeof first;
      expect(second.items.every((e) => e.tasks === first.items[0].tasks + 3)).toBe(true);
      for (const path of paths()) expect((await timedGet(`${uncached.url}${path}`)).status).toBe(200);
      // Reads of one key at the same moment still share one computation.
      const computations = jest.spyOn(uncached.app.get(LeaderboardRepository), 'aggregates');
      const board = uncached.app.get(LeaderboardService);
      const together = await Promise.all([board.get(run.runId), board.get(run.runId), board.get(run.runId)]);
      expect(computations).toHaveBeenCalledTimes(1);
      expect(together[1]).toBe(together[0]);
      const { hits, misses } = uncached.app.get(CacheService).counters;
      expect({ hits, misses, localHits: uncached.app.get(RunCacheService).counters.localHits }).toEqual({ hits: 0, misses: 0, localHits: 0 });
      // The caching app, told of the change, gives the same answer.
      await sut.app.get(RunCacheService).invalidateRun(run.runId);
      expect((await timedGet(`${sut.url}${paths()[0]}`)).body).toEqual(second);
    } finally {
      await uncached.close();
    }
  });

  it('gives the same answers within the cache timeout while Redis is frozen, and when it is stopped', async () => {
    const expected = await Promise.all(paths().map(async (p) => (await timedGet(`${sut.url}${p}`)).body));
    redis.freeze();
    try {
      for (const [k, path] of paths().entries()) {
        const res = await timedGet(`${sut.url}${path}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expected[k]);
        expect(res.ms).toBeLessThan(BUDGET_MS);
      }
      const burst = await Promise.all(Array.from({ length: 20 }, () => timedGet(`${sut.url}${paths()[0]}`)));
      for (const res of burst) {
        expect(res.status).toBe(200);
        expect(res.ms).toBeLessThan(BUDGET_MS);
      }
    } finally {
      redis.thaw();
    }
    await client.disconnect();
    await redis.stop();
    redisStopped = true;
    for (const [k, path] of paths().entries()) {
      const res = await timedGet(`${sut.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected[k]);
      expect(res.ms).toBeLessThan(BUDGET_MS);
    }
    const csv = await fetch(`${sut.url}/api/results?runId=${run.runId}&format=csv`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n').length).toBeGreaterThan(210 * 7);
  });
});
