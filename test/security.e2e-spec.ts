import type { ArgumentsHost } from '@nestjs/common';
import { createClient } from 'redis';
import { DataSource } from 'typeorm';
import { HttpExceptionFilter } from '../src/common/http-exception.filter.js';
import { ApiKeyGuard } from '../src/security/api-key.guard.js';
import { RateLimitGuard } from '../src/security/rate-limit.guard.js';
import { RateLimitStorage } from '../src/security/rate-limit.storage.js';
import { spawnApp } from './support/child-app.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { freePort } from './support/ports.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_KEY = 'k3y-for-the-security-suite';
const ERROR_KEYS = ['error', 'message', 'requestId', 'statusCode'];

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (docs, metrics)
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

const post = (url: string, headers: Record<string, string> = {}) => call(url, { method: 'POST', headers });

function expectErrorShape(body: any, statusCode: number, requestId?: string): void {
  expect(Object.keys(body).sort()).toEqual(ERROR_KEYS);
  expect(body.statusCode).toBe(statusCode);
  expect(typeof body.requestId).toBe('string');
  if (requestId) expect(body.requestId).toBe(requestId);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(js|ts):\d+/);
}

/** Polls until check passes; fails after timeoutMs. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs an error through the one filter as Nest would, returning the status and body it sends. */
function filtered(exception: unknown): { status: number; body: any } {
  const sent = { status: 0, body: undefined as unknown };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const request = { id: 'req-filter', method: 'POST', url: '/x' };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent as { status: number; body: any };
}

describe('security', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('security');
    sut = await startTestApp(databaseUrl, { API_KEY });
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  describe('helmet', () => {
    it('serves /docs 200 with the security headers, and the Swagger UI assets it loads', async () => {
      const page = await call(`${sut.url}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=/);
      // Every script the page loads comes from /docs itself, so script-src 'self' lets it run.
      const scripts = [...String(page.body).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const src of scripts) {
        expect(src.startsWith('http')).toBe(false);
        const asset = await call(new URL(src, `${sut.url}/docs`).toString());
        expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      }
      const init = await call(`${sut.url}/docs/swagger-ui-init.js`);
      expect(init.status).toBe(200);
      expect(init.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it("sets an API's headers on API answers, errors and unknown routes included: nothing loads or frames them", async () => {
      for (const path of ['/api/tasks/999999999', '/api/simulation/status', '/api/no-such-route']) {
        const res = await call(`${sut.url}${path}`);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        // helmet's page-only headers are left off JSON.
        expect(res.headers.get('origin-agent-cluster')).toBeNull();
      }
    });
  });

  describe('CORS', () => {
    const dashboard = 'http://localhost:3000';

    it('answers the CORS_ORIGINS origins, errors included, and grants nothing to another origin', async () => {
      for (const path of ['/api/simulation/status', '/api/tasks/999999999']) {
        const res = await call(`${sut.url}${path}`, { headers: { origin: dashboard } });
        expect(res.headers.get('access-control-allow-origin')).toBe(dashboard);
        expect(res.headers.get('vary')).toMatch(/Origin/);
      }
      const foreign = await call(`${sut.url}/api/simulation/status`, { headers: { origin: 'http://evil.example' } });
      expect(foreign.status).toBe(200);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('tells caches a request without Origin was answered for no origin: Vary: Origin, once, and no grant', async () => {
      for (const path of ['/health', '/api/simulation/status', '/api/tasks/999999999', '/no/such/route']) {
        const res = await call(`${sut.url}${path}`);
        expect(res.headers.get('vary')).toBe('Origin');
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
      // A bare OPTIONS still reaches the plugin, which answers it as a preflight (not strict).
      const bare = await call(`${sut.url}/api/history`, { method: 'OPTIONS' });
      expect(bare.status).toBe(204);
      expect(bare.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, DELETE');
    });

    it('answers a preflight for every method the API uses, with the API key header', async () => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await call(`${sut.url}/api/history`, {
          method: 'OPTIONS',
          headers: { origin: dashboard, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,x-api-key' },
        });
        expect(res.status).toBe(204);
        expect(res.headers.get('access-control-allow-origin')).toBe(dashboard);
        expect(res.headers.get('access-control-allow-methods')?.split(/, */)).toContain(method);
        expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
      }
    });
  });

  describe(ApiKeyGuard.name, () => {
    it('answers 401 in the error shape on a POST without the key', async () => {
      const res = await post(`${sut.url}/api/simulation/stop`, { 'x-request-id': 'no-key-1' });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 401, 'no-key-1');
      expect(res.body.error).toBe('Unauthorized');
    });

    it('answers 401 with a wrong key, of the same length or not', async () => {
      for (const key of ['x'.repeat(API_KEY.length), 'short', `${API_KEY}-and-more`]) {
        const res = await post(`${sut.url}/api/simulation/stop`, { 'x-api-key': key });
        expect(res.status).toBe(401);
        expectErrorShape(res.body, 401);
      }
      const del = await call(`${sut.url}/api/history`, { method: 'DELETE', headers: { 'x-api-key': 'wrong' } });
      expect(del.status).toBe(401);
    });

    it('lets a POST with the right key through', async () => {
      const res = await post(`${sut.url}/api/simulation/stop`, { 'x-api-key': API_KEY });
      expect(res.status).toBe(200);
    });

    it('needs no key for a GET', async () => {
      expect((await call(`${sut.url}/api/simulation/status`)).status).toBe(200);
      expect((await call(`${sut.url}/api/tasks`)).status).toBe(200);
    });

    it('refuses to start in production without API_KEY, saying why', async () => {
      const app = spawnApp({ NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain('Invalid environment: API_KEY: must be set when NODE_ENV=production');
      // A whole node process starting: on a busy 2-core machine that alone has taken 9 s.
    }, 60_000);
  });

  describe('error shape', () => {
    it('answers an oversized body with 413 in the error shape', async () => {
      const body = JSON.stringify({ name: 'big', padding: 'x'.repeat(21 * 1024 * 1024) });
      const res = await call(`${sut.url}/api/simulation/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'x-request-id': 'too-big-1' },
        body,
      });
      expect(res.status).toBe(413);
      expectErrorShape(res.body, 413, 'too-big-1');
      expect(res.body.error).toBe('Payload Too Large');
      expect(res.headers.get('x-request-id')).toBe('too-big-1');
    });

    it('maps a real unique violation to 409 and an invalid text representation to 400, without SQL', async () => {
      const dataSource = sut.app.get(DataSource);
      const duplicate = await dataSource
        .query(`INSERT INTO simulation_state (id, name, kind, status, seed, config) VALUES (990001, 'a', 'batch', 'completed', 1, '{}'), (990001, 'b', 'batch', 'completed', 1, '{}')`)
        .catch((e: unknown) => e);
      const conflict = filtered(duplicate);
      expect(conflict.status).toBe(409);
      expectErrorShape(conflict.body, 409, 'req-filter');
      expect(conflict.body).toMatchObject({ error: 'Conflict', message: ['already exists'] });

      const malformed = await dataSource.query(`SELECT 'abc'::int`).catch((e: unknown) => e);
      const bad = filtered(malformed);
      expect(bad.status).toBe(400);
      expectErrorShape(bad.body, 400, 'req-filter');
      for (const body of [conflict.body, bad.body]) expect(JSON.stringify(body)).not.toMatch(/INSERT|SELECT|simulation_state|duplicate key/i);
    });

    it('answers an unexpected failure with a bare 500: no stack, no message of its own', () => {
      const res = filtered(new Error('relation "secret_table" does not exist at SELECT * FROM secret_table'));
      expect(res.status).toBe(500);
      expectErrorShape(res.body, 500, 'req-filter');
      expect(res.body.message).toEqual(['Internal server error']);
    });
  });
});

describe(RateLimitGuard.name, () => {
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
    expect((await call(`${sut.url}/api/tasks`)).status).toBe(200);
    expect((await call(`${sut.url}/api/simulation/status`)).status).toBe(200);
    const limited = await call(`${sut.url}/api/tasks`, { headers: { 'x-request-id': 'limited-1' } });
    expect(limited.status).toBe(429);
    expectErrorShape(limited.body, 429, 'limited-1');
    expect(limited.body.error).toBe('Too Many Requests');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('never limits /health, /ready or /metrics', async () => {
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

describe(`${RateLimitStorage.name} with Redis unreachable`, () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('ratelimit_closed');
    sut = await startTestApp(databaseUrl, { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, THROTTLE_LIMIT: '1' });
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('starts, and lets every request through at once (fails open)', async () => {
    expect(sut.app.get(RateLimitStorage).enforcing).toBe(false);
    for (let i = 0; i < 3; i++) {
      const res = await call(`${sut.url}/api/simulation/status`);
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1000);
    }
  });
});

(HAS_REDIS_SERVER ? describe : describe.skip)(`${RateLimitStorage.name} on Redis`, () => {
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
    // Both limiters connected: until then they let everything through.
    for (const app of [a, b]) await until(async () => app.app.get(RateLimitStorage).enforcing, 'limiter connected');
  });

  afterAll(async () => {
    redis?.thaw();
    await a?.close();
    await b?.close();
    await redis?.stop();
    await dropDatabase(databaseUrl);
  });

  it('shares one limit between two app instances', async () => {
    expect(a.app.get(RateLimitStorage).backend).toBe('redis');
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

  it('takes hits from Redis in leases while far from the limit, and counts every hit', async () => {
    // Another instance, with a limit of 640: a lease is 1/64 of what is left (10, then 9, ...).
    const c = await startTestApp(databaseUrl, { REDIS_URL: redis.url, THROTTLE_LIMIT: '640', THROTTLE_TTL_S: '60', TRUST_PROXY: 'true' });
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await until(async () => c.app.get(RateLimitStorage).enforcing, 'limiter connected');
      const headers = { 'x-forwarded-for': '198.51.100.23' };
      const counted = () => client.get('throttle:{ip:198.51.100.23}:hits');
      for (let k = 1; k <= 10; k++) {
        const res = await call(`${c.url}/api/simulation/status`, { headers });
        expect(res.headers.get('x-ratelimit-remaining')).toBe(String(640 - k));
        // One round trip took the first ten hits; the next nine were served from the lease.
        expect(await counted()).toBe('10');
      }
      const eleventh = await call(`${c.url}/api/simulation/status`, { headers });
      expect(eleventh.headers.get('x-ratelimit-remaining')).toBe('629');
      expect(await counted()).toBe(String(10 + Math.floor(630 / 64)));
    } finally {
      await client.disconnect();
      await c.close();
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
    // The block stored before the freeze is still there once Redis answers again.
    await until(async () => (await call(`${a.url}/api/simulation/status`)).status === 429, 'limit back in force');
  });
});
