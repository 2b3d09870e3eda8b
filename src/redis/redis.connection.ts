import { createRequire } from 'node:module';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { redisInsStore } from 'cache-manager-redis-yet';
import { Redis, type RedisOptions } from 'ioredis';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { withTimeout } from './with-timeout.js';

/** The node-redis 4 client cache-manager-redis-yet's store takes. */
export type CacheStoreClient = Parameters<typeof redisInsStore>[0];
export type RedisState = 'memory' | 'up' | 'down';

// cache-manager-redis-yet speaks node-redis 4, which stays nested under it: take createClient from
// the store's own dependency.
const requireFromStore = createRequire(createRequire(import.meta.url).resolve('cache-manager-redis-yet'));
const { createClient } = requireFromStore('redis') as { createClient: (options: object) => CacheStoreClient };

// The rate limiter lets a request through when Redis has not answered within this bound.
const FAIL_OPEN_MS = 200;

/** Reconnect forever, backing off to 2 s (both clients). */
export const reconnectDelayMs = (retries: number): number => Math.min(50 * 2 ** Math.min(retries, 5), 2_000);

/**
 * The process's connections to REDIS_URL, made, watched and closed in one place:
 * - `client` (ioredis): the rate limiter's counters and the readiness probe; queues and pub/sub
 *   are to use it (or `duplicate()` it) too.
 * - `cacheClient` (node-redis 4): the cache, because cache-manager-redis-yet's store takes no other.
 * Both fail at once while disconnected instead of queueing behind an outage, and keep
 * reconnecting in the background; the app starts whether or not Redis answers. Without
 * REDIS_URL both are null and their users keep their state in memory.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly url?: string;
  /** CACHE_TIMEOUT_MS: how long a cache read or the readiness ping waits for Redis. */
  readonly timeoutMs: number;
  /** How long any command on `client` waits (the rate limiter's fail-open bound): at most 200 ms. */
  readonly commandTimeoutMs: number;
  readonly client: Redis | null = null;
  readonly cacheClient: CacheStoreClient | null = null;
  private readonly opened: Redis[] = [];
  private lastError = '';

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    this.url = config.get('REDIS_URL', { infer: true });
    this.timeoutMs = config.get('CACHE_TIMEOUT_MS', { infer: true });
    this.commandTimeoutMs = Math.min(this.timeoutMs, FAIL_OPEN_MS);
    if (!this.url) return;
    // Made here, connected in onModuleInit: users may register commands on them before that.
    this.client = new Redis(this.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: this.commandTimeoutMs,
      connectTimeout: this.timeoutMs,
      retryStrategy: reconnectDelayMs,
    });
    this.client.on('error', (e: Error) => this.warnOnce(e.message));
    this.client.on('ready', () => (this.lastError = ''));
    this.cacheClient = createClient({
      url: this.url,
      disableOfflineQueue: true,
      pingInterval: 5_000,
      socket: { connectTimeout: this.timeoutMs, reconnectStrategy: reconnectDelayMs },
    });
    const events = this.cacheClient as unknown as NodeJS.EventEmitter;
    events.on('error', (e: Error) => this.warnOnce(e.message));
    events.on('ready', () => (this.lastError = ''));
  }

  /**
   * One more ioredis connection to REDIS_URL, for a user whose needs differ from `client`'s (a
   * pub/sub subscriber, which must be a connection of its own; a publisher with a longer command
   * timeout; a queue): the same reconnection, connect timeout and logging, closed with the others.
   * Null without REDIS_URL.
   */
  open(name: string, options: RedisOptions = {}): Redis | null {
    if (!this.url) return null;
    const client = new Redis(this.url, { connectionName: name, connectTimeout: this.timeoutMs, retryStrategy: reconnectDelayMs, ...options });
    client.on('error', (e: Error) => this.warnOnce(`${name}: ${e.message}`));
    this.opened.push(client);
    return client;
  }

  /** Whether both connections are up now (false without REDIS_URL). */
  get ready(): boolean {
    return this.client?.status === 'ready' && this.cacheClient?.isReady === true;
  }

  onModuleInit(): void {
    this.client?.connect().catch((e: Error) => this.warnOnce(e.message));
    this.cacheClient?.connect().catch((e: Error) => this.warnOnce(e.message));
  }

  async onApplicationShutdown(): Promise<void> {
    // Also stops a reconnection loop that never got through.
    this.client?.disconnect();
    for (const client of this.opened.splice(0)) client.disconnect();
    if (this.cacheClient?.isOpen) await this.cacheClient.disconnect().catch(() => undefined);
  }

  /** Readiness detail: 'memory' without Redis, else whether both connections are up and Redis answers a PING within CACHE_TIMEOUT_MS. */
  async state(): Promise<RedisState> {
    if (!this.client || !this.cacheClient) return 'memory';
    if (!this.ready) return 'down';
    try {
      await withTimeout(this.cacheClient.ping(), this.timeoutMs, 'Redis');
      return 'up';
    } catch {
      return 'down';
    }
  }

  private warnOnce(message: string): void {
    // Reconnection keeps trying; say so once per distinct failure, not once per retry or request.
    if (message !== this.lastError) this.logger.warn(message);
    this.lastError = message;
  }
}
