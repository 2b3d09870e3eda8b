import type { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { RUN_DATA_CHANGED, type RunDataChanged } from '../runs/run-events.js';
import { RedisConnection } from '../redis/redis.connection.js';
import { CacheService } from './cache.service.js';
import { RunCacheService } from './run-cache.service.js';

/** A RunCacheService on the in-memory backend, hearing run events on a real bus, on a clock the test moves. */
async function harness() {
  const env: Partial<EnvironmentVariables> = { CACHE_TTL_S: 60, CACHE_TIMEOUT_MS: 200 };
  const config = { get: (key: keyof EnvironmentVariables) => env[key] } as unknown as ConfigService<EnvironmentVariables, true>;
  // No REDIS_URL: the cache keeps its answers in memory.
  const cache = new CacheService(config, new RedisConnection(config));
  await cache.onModuleInit();
  const emitter = new EventEmitter2();
  const runCache = new RunCacheService(cache, emitter);
  runCache.onModuleInit();
  const clock = { now: 1_000_000 };
  runCache.clock = () => clock.now;
  let computed = 0;
  // Each computation answers a new value, so a test sees which one it was given.
  const read = (runId = 1) => runCache.wrap(runId, 'leaderboard', { limit: 10 }, async () => ({ value: ++computed }));
  const publish = (event: RunDataChanged) => emitter.emitAsync(RUN_DATA_CHANGED, event);
  return { runCache, read, publish, clock, computations: () => computed };
}

describe('RunCacheService (run data changed)', () => {
  it('answers a repeated read from the cache', async () => {
    const { read, computations } = await harness();
    await expect(read()).resolves.toEqual({ value: 1 });
    await expect(read()).resolves.toEqual({ value: 1 });
    expect(computations()).toBe(1);
  });

  it('after a flush of the run, gives the previous answer once while one refresh computes the next', async () => {
    const { runCache, read, publish } = await harness();
    await read();
    await publish({ runId: 1, change: 'written', kind: null });
    await expect(read()).resolves.toEqual({ value: 1 });
    await runCache.whenRefreshed();
    await expect(read()).resolves.toEqual({ value: 2 });
  });

  it('after a delete of the run, never gives an answer from before it', async () => {
    const { read, publish } = await harness();
    await read();
    await publish({ runId: 1, change: 'deleted', kind: null });
    await expect(read()).resolves.toEqual({ value: 2 });
  });

  it('leaves the answers of other runs, and ignores creations', async () => {
    const { read, publish, computations } = await harness();
    await read(1);
    await publish({ runId: 2, change: 'written', kind: null });
    await publish({ runId: 2, change: 'deleted', kind: null });
    await publish({ runId: 1, change: 'created', kind: 'batch' });
    await expect(read(1)).resolves.toEqual({ value: 1 });
    expect(computations()).toBe(1);
  });
});
