import { Redis } from 'ioredis';
import { RedisConnection } from '../src/redis/redis.connection.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { call, expectErrorShape } from './support/http-call.js';
import { until } from './support/progress.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DASHBOARD = 'http://localhost:3000';

describe('rate limit in process memory', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('ratelimit');
    sut = await startTestApp(databaseUrl, { THROTTLE_LIMIT: '3', THROTTLE_TTL_S: '60' });
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('answers 429 with Retry-After in the error shape after THROTTLE_LIMIT requests, counted across routes', async () => {
    const first = await call(`${sut.url}/api/simulation/status`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect((await call(`${sut.url}/api/tasks`)).status).toBe(200);
    expect((await call(`${sut.url}/api/simulation/status`)).status).toBe(200);
    const limited = await call(`${sut.url}/api/tasks`, { headers: { 'x-request-id': 'limited-1', origin: DASHBOARD } });
    expect(limited.status).toBe(429);
    expectErrorShape(limited.body, 429, 'limited-1');
    expect(limited.body.error).toBe('Too Many Requests');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A browser can read the refusal: it carries the CORS grant as any other answer does.
    expect(limited.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
  });

  it('never limits /health, /ready, /metrics or the API documentation', async () => {
    expect((await call(`${sut.url}/api/simulation/status`)).status).toBe(429);
    for (let i = 0; i < 10; i++) {
      for (const path of ['/health', '/ready', '/metrics']) {
        const res = await call(`${sut.url}${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    }
    expect((await call(`${sut.url}/docs-json`)).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set: a spoofed header does not buy a new budget', async () => {
    const res = await call(`${sut.url}/api/simulation/status`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(429);
  });
});

describe('rate limit with Redis unreachable', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('ratelimit_closed');
    // Port 1: nothing listens there, and no client socket can take it (a spare high port could be).
    sut = await startTestApp(databaseUrl, { REDIS_URL: 'redis://127.0.0.1:1', THROTTLE_LIMIT: '1' });
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('starts, and lets every request through at once (fails open)', async () => {
    expect(sut.app.get(RedisConnection).ready).toBe(false);
    for (let i = 0; i < 3; i++) {
      const res = await call(`${sut.url}/api/simulation/status`);
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1000);
    }
  });
});

(HAS_REDIS_SERVER ? describe : describe.skip)('rate limit on Redis', () => {
  let databaseUrl: string;
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('ratelimit_redis');
    redis = await RedisServer.start();
    const env = { REDIS_URL: redis.url, THROTTLE_LIMIT: '4', THROTTLE_TTL_S: '60', CACHE_TIMEOUT_MS: '200', TRUST_PROXY: 'true' };
    a = await startTestApp(databaseUrl, env);
    b = await startTestApp(databaseUrl, env);
    // Both connected: until then the limiters let everything through.
    for (const app of [a, b]) await until(() => app.app.get(RedisConnection).ready, 5000, 'redis connected');
  });

  afterAll(async () => {
    redis?.thaw();
    await a?.close();
    await b?.close();
    await redis?.stop();
    await dropDatabase(databaseUrl);
  });

  it('shares one limit between two app instances', async () => {
    expect((await call(`${a.url}/api/simulation/status`)).status).toBe(200);
    expect((await call(`${b.url}/api/simulation/status`)).status).toBe(200);
    expect((await call(`${a.url}/api/simulation/status`)).status).toBe(200);
    const fourth = await call(`${b.url}/api/simulation/status`);
    expect(fourth.status).toBe(200);
    expect(fourth.headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await call(`${a.url}/api/simulation/status`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(`${b.url}/api/simulation/status`)).status).toBe(429);
  });

  it('counts per client IP: behind a trusted proxy, another X-Forwarded-For address has its own budget', async () => {
    const other = { 'x-forwarded-for': '203.0.113.7' };
    expect((await call(`${a.url}/api/simulation/status`)).status).toBe(429);
    const res = await call(`${b.url}/api/simulation/status`, { headers: other });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('counts every hit in Redis, under the client address, with the window as its expiry', async () => {
    const client = new Redis(redis.url);
    try {
      const headers = { 'x-forwarded-for': '198.51.100.23' };
      for (let k = 1; k <= 3; k++) {
        const res = await call(`${(k % 2 ? a : b).url}/api/simulation/status`, { headers });
        expect(res.headers.get('x-ratelimit-remaining')).toBe(String(4 - k));
        expect(await client.get('throttle:198.51.100.23')).toBe(String(k));
      }
      const ttl = await client.pttl('throttle:198.51.100.23');
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      client.disconnect();
    }
  });

  it('lets requests through within 1 s while Redis is frozen (fails open), and limits again once it thaws', async () => {
    redis.freeze();
    try {
      for (const app of [a, b]) {
        const res = await call(`${app.url}/api/simulation/status`);
        expect(res.status).toBe(200);
        expect(res.ms).toBeLessThan(1000);
      }
    } finally {
      redis.thaw();
    }
    // The count stored before the freeze is still there once Redis answers again.
    await until(async () => (await call(`${a.url}/api/simulation/status`)).status === 429, 5000, 'limit back in force');
  });
});
