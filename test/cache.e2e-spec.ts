import { createClient } from 'redis';
import { CacheService } from '../src/cache/cache.service.js';
import { freePort } from './support/ports.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { timedGet, useTestApp } from './support/test-app.js';

const CACHE_TIMEOUT_MS = 200;
// Cache timeout + a generous allowance for one database round trip on a loaded 2-core machine.
const BUDGET_MS = CACHE_TIMEOUT_MS + 600;

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('cache with Redis away', () => {
  const sut = useTestApp('cache_closed', { CACHE_TIMEOUT_MS: String(CACHE_TIMEOUT_MS) }, { beforeStart: async () => ({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }) });

  it('starts and serves with REDIS_URL pointing at a closed port, reporting the cache degraded', async () => {
    const ready = await timedGet(`${sut.url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ details: { cache: { status: 'degraded', backend: 'redis' }, database: { status: 'up' } } });
    const list = await timedGet(`${sut.url}/api/tasks`);
    expect(list.status).toBe(200);
    expect(list.ms).toBeLessThan(BUDGET_MS);
  });

  it('computes the value itself when the cache cannot answer', async () => {
    const cache = sut.app.get(CacheService);
    await expect(cache.wrap('k', async () => 41 + 1)).resolves.toBe(42);
  });
});

(HAS_REDIS_SERVER ? describe : describe.skip)('cache on a real Redis', () => {
  let redis: RedisServer;
  const sut = useTestApp(
    'cache_redis',
    { CACHE_TIMEOUT_MS: String(CACHE_TIMEOUT_MS), CACHE_TTL_S: '30' },
    {
      beforeStart: async () => {
        redis = await RedisServer.start();
        return { REDIS_URL: redis.url };
      },
    },
  );
  let cache: CacheService;

  beforeAll(async () => {
    cache = sut.app.get(CacheService);
    await waitUntil(async () => (await cache.state()) === 'up');
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('misses, computes once, stores the key in Redis with a TTL, then hits', async () => {
    let computed = 0;
    const compute = async () => ({ answer: ++computed });
    const before = { ...cache.counters };

    expect(await cache.wrap('e2e:hit-miss', compute)).toEqual({ answer: 1 });
    const client = createClient({ url: redis.url });
    await client.connect();
    await waitUntil(async () => (await client.get('e2e:hit-miss')) !== null);
    expect(JSON.parse((await client.get('e2e:hit-miss'))!)).toEqual({ answer: 1 });
    const ttl = await client.pTTL('e2e:hit-miss');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await client.quit();

    expect(await cache.wrap('e2e:hit-miss', compute)).toEqual({ answer: 1 });
    expect(computed).toBe(1);
    expect(cache.counters.misses - before.misses).toBe(1);
    expect(cache.counters.hits - before.hits).toBe(1);
  });

  it('computes once for concurrent misses on one key', async () => {
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setImmediate(r));
      return 'v';
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.wrap('e2e:single-flight', compute)));
    expect(answers).toEqual(Array(10).fill('v'));
    expect(computed).toBe(1);
  });

  it('keeps answering within the cache timeout while Redis is frozen, and uses it again once thawed', async () => {
    redis.freeze();
    try {
      const ready = await timedGet(`${sut.url}/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ details: { cache: { status: 'degraded' } } });
      expect(ready.ms).toBeLessThan(BUDGET_MS);

      const started = performance.now();
      await expect(cache.wrap('e2e:frozen', async () => 'from-db')).resolves.toBe('from-db');
      expect(performance.now() - started).toBeLessThan(BUDGET_MS);

      const list = await timedGet(`${sut.url}/api/tasks`);
      expect(list.status).toBe(200);
      expect(list.ms).toBeLessThan(BUDGET_MS);
    } finally {
      redis.thaw();
    }
    await waitUntil(async () => (await cache.state()) === 'up');
    expect((await timedGet(`${sut.url}/ready`)).body).toMatchObject({ details: { cache: { status: 'up', backend: 'redis' } } });
  });
});
