import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { caching, type Cache } from 'cache-manager';
import { redisInsStore } from 'cache-manager-redis-yet';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { RedisConnection, type RedisState } from '../redis/redis.connection.js';
import { withTimeout } from '../redis/with-timeout.js';

export type CacheBackendState = RedisState;

/**
 * Cache-aside over cache-manager 5: Redis when REDIS_URL is set, memory otherwise.
 * A cache that is down, slow or frozen is a miss, never an error and never a wait longer than
 * CACHE_TIMEOUT_MS; concurrent misses on one key compute once per process.
 */
@Injectable()
export class CacheService implements OnModuleInit {
  /** How long an entry lives (CACHE_TTL_S). */
  readonly ttlMs: number;
  private readonly timeoutMs: number;
  private cache: Cache | null = null;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  readonly counters = { hits: 0, misses: 0, errors: 0 };

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly redis: RedisConnection,
  ) {
    this.ttlMs = config.get('CACHE_TTL_S', { infer: true }) * 1000;
    this.timeoutMs = redis.timeoutMs;
  }

  get backend(): 'redis' | 'memory' {
    return this.redis.cacheClient ? 'redis' : 'memory';
  }

  async onModuleInit(): Promise<void> {
    const client = this.redis.cacheClient;
    this.cache = client ? await caching(redisInsStore(client, { ttl: this.ttlMs })) : await caching('memory', { ttl: this.ttlMs, max: 10_000 });
  }

  /** The value under key, or undefined on a miss, an error or a timeout. */
  async get<T>(key: string): Promise<T | undefined> {
    try {
      const value = await this.bounded(this.cache?.get<T>(key));
      if (value === undefined || value === null) this.counters.misses++;
      else this.counters.hits++;
      return value ?? undefined;
    } catch {
      this.counters.errors++;
      this.counters.misses++;
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs = this.ttlMs): Promise<void> {
    // A TTL of 0 would mean forever: every entry expires.
    await this.bounded(this.cache?.set(key, value, Math.max(1, ttlMs))).catch(() => this.counters.errors++);
  }

  async del(...keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.bounded(this.cache?.del(k)).catch(() => this.counters.errors++)));
  }

  /** Cache-aside: the cached value, or compute, store and return it; one computation per key at a time. */
  async wrap<T>(key: string, compute: () => Promise<T>, ttlMs = this.ttlMs): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const run = (async () => {
      try {
        const value = await compute();
        // Storing must not hold the answer back when the cache is slow.
        void this.set(key, value, ttlMs);
        return value;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, run);
    return run;
  }

  /** Readiness detail: 'memory' without Redis, else whether Redis answers a PING in time. */
  state(): Promise<CacheBackendState> {
    return this.redis.state();
  }

  private bounded<T>(promise: Promise<T> | undefined): Promise<T | undefined> {
    return promise ? withTimeout(promise, this.timeoutMs, 'the cache') : Promise.resolve(undefined);
  }
}
