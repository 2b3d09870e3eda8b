import { createRequire } from 'node:module';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { caching, type Cache } from 'cache-manager';
import { redisInsStore } from 'cache-manager-redis-yet';
import type { EnvironmentVariables } from '../config/env.schema.js';

type RedisClient = Parameters<typeof redisInsStore>[0];
export type CacheBackendState = 'memory' | 'up' | 'down';

// cache-manager-redis-yet speaks node-redis 4, which stays nested under it (the top-level redis
// is a later major): take createClient from the store's own dependency.
const requireFromStore = createRequire(createRequire(import.meta.url).resolve('cache-manager-redis-yet'));
const { createClient } = requireFromStore('redis') as { createClient: (options: object) => RedisClient };

class CacheTimeoutError extends Error {}

/**
 * Cache-aside over cache-manager 5: Redis when REDIS_URL is set, memory otherwise.
 * A cache that is down, slow or frozen is a miss, never an error and never a wait longer than
 * CACHE_TIMEOUT_MS; concurrent misses on one key compute once per process.
 */
@Injectable()
export class CacheService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheService.name);
  /** How long an entry lives (CACHE_TTL_S). */
  readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly redisUrl?: string;
  private cache: Cache | null = null;
  private client: RedisClient | null = null;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  readonly counters = { hits: 0, misses: 0, errors: 0 };

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    this.ttlMs = config.get('CACHE_TTL_S', { infer: true }) * 1000;
    this.timeoutMs = config.get('CACHE_TIMEOUT_MS', { infer: true });
    this.redisUrl = config.get('REDIS_URL', { infer: true });
  }

  get backend(): 'redis' | 'memory' {
    return this.redisUrl ? 'redis' : 'memory';
  }

  async onModuleInit(): Promise<void> {
    if (!this.redisUrl) {
      this.cache = await caching('memory', { ttl: this.ttlMs, max: 10_000 });
      return;
    }
    const client = createClient({
      url: this.redisUrl,
      // Without this, commands queue while disconnected and callers hang through an outage.
      disableOfflineQueue: true,
      pingInterval: 5_000,
      socket: {
        connectTimeout: this.timeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 2_000),
      },
    });
    let lastError = '';
    (client as unknown as NodeJS.EventEmitter).on('error', (e: Error) => {
      // Reconnection keeps trying; say so once per distinct failure, not once per retry.
      if (e.message !== lastError) this.logger.warn(`redis: ${e.message}`);
      lastError = e.message;
    });
    (client as unknown as NodeJS.EventEmitter).on('ready', () => (lastError = ''));
    this.client = client;
    this.cache = await caching(redisInsStore(client, { ttl: this.ttlMs }));
    // The app starts whether or not Redis answers: connecting goes on in the background.
    client.connect().catch((e: Error) => this.logger.warn(`redis: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client?.isOpen) await client.disconnect().catch(() => undefined);
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
  async state(): Promise<CacheBackendState> {
    if (!this.client) return 'memory';
    if (!this.client.isReady) return 'down';
    try {
      await this.bounded(this.client.ping());
      return 'up';
    } catch {
      return 'down';
    }
  }

  private bounded<T>(promise: Promise<T> | undefined): Promise<T | undefined> {
    if (!promise) return Promise.resolve(undefined);
    // A call that loses the race may still fail later: that must not surface as unhandled.
    promise.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheTimeoutError('cache timeout')), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
