import { jest } from '@jest/globals';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { leaseStore } from './rate-limit.lease-store.js';

// Needs a Redis server: REDIS_URL (CI sets it). Without one the spec is skipped, except under CI,
// where that is a failure.
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL && process.env.CI && !['false', '0'].includes(process.env.CI)) throw new Error('REDIS_URL is not set, and CI is: the lease store would go untested');
const describeOnRedis = REDIS_URL ? describe : describe.skip;

const WINDOW_MS = 60_000;
type Verdict = { current: number; ttl: number };

const incr = (store: FastifyRateLimitStore, key: string, max: number) =>
  new Promise<Verdict>((resolve, reject) => store.incr(key, (e, r) => (e ? reject(e) : resolve(r!)), WINDOW_MS, max));

/** A client as RedisConnection makes it: no offline queue, commands time out after 200 ms. */
const client = (url: string) => new Redis(url, { enableOfflineQueue: false, commandTimeout: 200, lazyConnect: true, maxRetriesPerRequest: 0 });

describeOnRedis('lease store (on Redis)', () => {
  const namespace = `lease-spec-${process.pid}-${Math.floor(Math.random() * 1e9)}:`;
  const key = '198.51.100.9';
  let admin: Redis;
  let replicas: Redis[];

  /** Round trips one replica's client makes from now on. */
  const roundTrips = (redis: Redis) => jest.spyOn(redis, 'sendCommand');

  beforeAll(async () => {
    admin = new Redis(REDIS_URL!);
    replicas = [client(REDIS_URL!), client(REDIS_URL!)];
    for (const r of replicas) await r.connect();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    jest.useRealTimers();
    const keys = await admin.keys(`${namespace}*`);
    if (keys.length) await admin.del(...keys);
  });

  afterAll(() => {
    for (const r of [admin, ...replicas]) r.disconnect();
  });

  const stores = () => replicas.map((r) => new (leaseStore(r, namespace))({}));

  it('leases 1/64 of what is left in one round trip and serves the next hits from memory', async () => {
    const [store] = stores();
    const trips = roundTrips(replicas[0]);
    const max = 64 * 10;
    const verdicts = [];
    for (let i = 0; i < 10; i++) verdicts.push(await incr(store, key, max));
    expect(verdicts.map((v) => v.current)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(trips).toHaveBeenCalledTimes(1);
    expect(await admin.get(namespace + key)).toBe('10');
    const ttl = await admin.pttl(namespace + key);
    expect(ttl).toBeGreaterThan(WINDOW_MS - 10_000);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    // The eleventh needs a new lease: floor(630 / 64) = 9 hits.
    await incr(store, key, max);
    expect(trips).toHaveBeenCalledTimes(2);
    expect(await admin.get(namespace + key)).toBe('19');
  });

  it('two replicas share one budget: together they admit exactly the limit, in far fewer round trips', async () => {
    const [a, b] = stores();
    const trips = [roundTrips(replicas[0]), roundTrips(replicas[1])];
    const max = 1000;
    let admitted = 0;
    // Both replicas busy at once, more than twice the limit between them.
    const hits = Array.from({ length: 2 * max + 200 }, (_, i) => incr(i % 2 ? b : a, key, max));
    for (const v of await Promise.all(hits)) if (v.current <= max) admitted++;
    expect(admitted).toBe(max);
    expect(await admin.get(namespace + key)).toBe(String(max));
    // Leases far from the limit, single hits near it, then each replica learns the window is full once.
    const total = trips[0].mock.calls.length + trips[1].mock.calls.length;
    expect(total).toBeLessThan(max / 2);
  });

  it('shares one round trip between the requests that arrive while it is in flight', async () => {
    const [store] = stores();
    const trips = roundTrips(replicas[0]);
    const verdicts = await Promise.all(Array.from({ length: 5 }, () => incr(store, key, 64 * 10)));
    expect(verdicts.map((v) => v.current).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    expect(trips).toHaveBeenCalledTimes(1);
  });

  it('past the limit asks Redis for every request (so an outage lets it through), counts none, and gives the window\'s end', async () => {
    const [store] = stores();
    const trips = roundTrips(replicas[0]);
    expect((await incr(store, key, 2)).current).toBe(1);
    expect((await incr(store, key, 2)).current).toBe(2);
    for (let i = 3; i <= 4; i++) {
      const refused = await incr(store, key, 2);
      expect(refused.current).toBe(3);
      expect(refused.ttl).toBeGreaterThan(WINDOW_MS - 10_000);
      expect(refused.ttl).toBeLessThanOrEqual(WINDOW_MS);
      expect(trips).toHaveBeenCalledTimes(i);
    }
    // The key holds the hits admitted.
    expect(await admin.get(namespace + key)).toBe('2');
  });

  it('refuses every request that waited on the round trip that found the window full', async () => {
    const [store] = stores();
    await incr(store, key, 1);
    const trips = roundTrips(replicas[0]);
    const verdicts = await Promise.all(Array.from({ length: 4 }, () => incr(store, key, 1)));
    expect(verdicts.map((v) => v.current)).toEqual([2, 2, 2, 2]);
    expect(trips).toHaveBeenCalledTimes(1);
  });

  it('drops a lease when its window ends', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'performance'] });
    const [store] = stores();
    const trips = roundTrips(replicas[0]);
    await incr(store, key, 64 * 10);
    await admin.del(namespace + key);
    jest.setSystemTime(Date.now() + WINDOW_MS);
    // The 9 leased hits left belonged to the old window: a new lease, in a new window.
    expect((await incr(store, key, 64 * 10)).current).toBe(1);
    expect(trips).toHaveBeenCalledTimes(2);
    expect(await admin.get(namespace + key)).toBe('10');
  });

  it('gives a route with a limit of its own a budget of its own', async () => {
    const [store] = stores();
    const route = store.child({ routeInfo: { method: 'GET', url: '/x' } } as unknown as Parameters<FastifyRateLimitStore['child']>[0]);
    await incr(store, key, 1);
    expect((await incr(route, key, 1)).current).toBe(1);
    expect(await admin.get(`${namespace}GET/x-${key}`)).toBe('1');
  });

  it('fails at once, for every waiting request, while Redis refuses connections (the plugin then lets them through)', async () => {
    const down = client('redis://127.0.0.1:1');
    down.on('error', () => undefined);
    await down.connect().catch(() => undefined);
    try {
      const store = new (leaseStore(down, namespace))({});
      const started = performance.now();
      const results = await Promise.allSettled([incr(store, key, 10), incr(store, key, 10), incr(store, key, 10)]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(performance.now() - started).toBeLessThan(100);
    } finally {
      down.disconnect();
    }
  });
});
