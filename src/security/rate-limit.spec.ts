import net from 'node:net';
import { jest } from '@jest/globals';
import { HttpException, Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { decorateRoutePattern } from '../http/fast-path/route-pattern.js';
import { RedisConnection } from '../redis/redis.connection.js';
import { rateLimitOptions } from './rate-limit.js';

// The Redis cases need a Redis server: REDIS_URL (CI sets it). Without one they are skipped,
// except under CI, where that is a failure.
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL && process.env.CI && !['false', '0'].includes(process.env.CI)) throw new Error('REDIS_URL is not set, and CI is: the rate limit on Redis would go untested');
const describeOnRedis = REDIS_URL ? describe : describe.skip;

/** A bare Fastify app with the limiter as the service configures it: /health and /api/x. */
async function appWith(limit: number, redis: Redis | null): Promise<FastifyInstance> {
  const app = Fastify({ trustProxy: true });
  decorateRoutePattern(app);
  app.setErrorHandler((error: Error, _request, reply) => {
    const status = error instanceof HttpException ? error.getStatus() : 500;
    void reply.code(status).send(error instanceof HttpException ? error.getResponse() : { message: error.message });
  });
  await app.register(fastifyRateLimit, rateLimitOptions({ limit, windowS: 60, redis }));
  app.get('/health', () => ({ status: 'ok' }));
  app.get('/api/x', () => ({ ok: true }));
  await app.ready();
  return app;
}

const get = (app: FastifyInstance, url: string, client = '198.51.100.1') => app.inject({ method: 'GET', url, headers: { 'x-forwarded-for': client } });

async function connected(c: RedisConnection): Promise<void> {
  for (let i = 0; !c.ready; i++) {
    if (i > 200) throw new Error('Redis did not connect within 2 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function connection(url: string): RedisConnection {
  const env: Record<string, unknown> = { REDIS_URL: url, CACHE_TIMEOUT_MS: 200 };
  return new RedisConnection({ get: (key: string) => env[key] } as unknown as ConfigService<never, true>);
}

/** A TCP proxy in front of Redis that can stop passing Redis's answers on (Redis frozen, as far as its clients can tell). */
class StallingProxy {
  private readonly upstreams = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private constructor(private readonly server: net.Server) {}

  static async start(target: URL): Promise<StallingProxy> {
    const server = net.createServer();
    const proxy = new StallingProxy(server);
    server.on('connection', (client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      const pair = { client, upstream };
      proxy.upstreams.add(pair);
      for (const s of [client, upstream]) s.on('error', () => s.destroy());
      client.on('close', () => (upstream.destroy(), proxy.upstreams.delete(pair)));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  stall(): void {
    for (const { client, upstream } of this.upstreams) upstream.unpipe(client).pause();
  }

  resume(): void {
    for (const { client, upstream } of this.upstreams) upstream.pipe(client).resume();
  }

  async close(): Promise<void> {
    for (const { client } of this.upstreams) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('rate limit (the plugin as the service configures it)', () => {
  // The connections' warnings (Redis refused, as some cases mean it to be) are not this spec's output.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  describe('in process memory', () => {
    let sut: FastifyInstance;

    beforeEach(async () => {
      // Only Date: the plugin's memory store times its windows with Date.now().
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask'] });
      sut = await appWith(3, null);
    });

    afterEach(async () => {
      await sut.close();
      jest.useRealTimers();
    });

    it('refuses past the limit with 429 and Retry-After until the window ends, then allows again', async () => {
      for (const remaining of ['2', '1', '0']) {
        const res = await get(sut, '/api/x');
        expect({ status: res.statusCode, remaining: res.headers['x-ratelimit-remaining'] }).toEqual({ status: 200, remaining });
      }
      const refused = await get(sut, '/api/x');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('60');
      expect(refused.json()).toMatchObject({ error: 'Too Many Requests' });
      jest.setSystemTime(Date.now() + 20_000);
      expect((await get(sut, '/api/x')).headers['retry-after']).toBe('40');
      jest.setSystemTime(Date.now() + 40_000);
      const next = await get(sut, '/api/x');
      expect({ status: next.statusCode, remaining: next.headers['x-ratelimit-remaining'] }).toEqual({ status: 200, remaining: '2' });
    });

    it('never counts nor refuses the probes', async () => {
      for (let i = 0; i < 5; i++) expect((await get(sut, '/health')).statusCode).toBe(200);
      expect((await get(sut, '/health')).headers['x-ratelimit-remaining']).toBeUndefined();
      expect((await get(sut, '/api/x')).headers['x-ratelimit-remaining']).toBe('2');
    });
  });

  describeOnRedis('on Redis', () => {
    const client = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const key = `throttle:${client}`;
    let redis: Redis;

    beforeAll(() => {
      redis = new Redis(REDIS_URL!);
    });

    afterAll(async () => {
      await redis.del(key);
      redis.disconnect();
    });

    it('shares one budget between two instances, counted in Redis under the client address', async () => {
      await redis.del(key);
      const connections = [connection(REDIS_URL!), connection(REDIS_URL!)];
      const apps: FastifyInstance[] = [];
      try {
        for (const c of connections) c.onModuleInit();
        for (const c of connections) apps.push(await appWith(3, c.client));
        for (const c of connections) await connected(c);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await get(apps[i % 2], '/api/x', client)).statusCode);
        expect(statuses).toEqual([200, 200, 200, 429]);
        // The hits admitted (leased): a refused one is not counted.
        expect(await redis.get(key)).toBe('3');
      } finally {
        for (const app of apps) await app.close();
        for (const c of connections) await c.onApplicationShutdown();
      }
    });

    it('lets a request through within the 200 ms bound while Redis does not answer, and counts again once it does', async () => {
      await redis.del(key);
      const proxy = await StallingProxy.start(new URL(REDIS_URL!));
      const c = connection(proxy.url);
      const app = await appWith(1, c.client);
      try {
        c.onModuleInit();
        await connected(c);
        expect((await get(app, '/api/x', client)).statusCode).toBe(200);
        proxy.stall();
        const started = performance.now();
        const res = await get(app, '/api/x', client);
        const ms = performance.now() - started;
        // Over the limit, but Redis's verdict never came: the request went through after the command timeout.
        expect(res.statusCode).toBe(200);
        expect(ms).toBeGreaterThanOrEqual(190);
        expect(ms).toBeLessThan(1000);
        proxy.resume();
        expect((await get(app, '/api/x', client)).statusCode).toBe(429);
      } finally {
        await app.close();
        await c.onApplicationShutdown();
        await proxy.close();
      }
    }, 10_000);

    it('lets requests through at once while Redis refuses connections', async () => {
      // Port 1: nothing listens there, and no client socket can take it (a spare high port could
      // be taken by an outgoing socket, and connecting to it then connects to that socket).
      const c = connection('redis://127.0.0.1:1');
      const app = await appWith(1, c.client);
      try {
        c.onModuleInit();
        // The first request also loads and compiles the code on its path: not timed.
        expect((await get(app, '/api/x', client)).statusCode).toBe(200);
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          expect((await get(app, '/api/x', client)).statusCode).toBe(200);
          // Well under the 200 ms a command waits for an answer: the client did not send it at all.
          expect(performance.now() - started).toBeLessThan(100);
        }
      } finally {
        await app.close();
        await c.onApplicationShutdown();
      }
    });
  });
});
