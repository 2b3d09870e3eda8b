import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createClient } from 'redis';
import type { EnvironmentVariables } from '../config/env.schema.js';

/** One hit's verdict (the shape @nestjs/throttler's storages answer, seconds for the times). */
export interface RateLimitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** Fixed windows in process memory: for a single instance, or without Redis. */
class MemoryWindows {
  private readonly entries = new Map<string, { hits: number; windowEndsAt: number; blockedUntil: number }>();
  private sweeper: NodeJS.Timeout | null = null;

  increment(key: string, ttlMs: number, limit: number, blockMs: number): RateLimitRecord {
    const now = Date.now();
    this.sweeper ??= setInterval(() => this.sweep(), 60_000).unref();
    const entry = this.entries.get(key);
    if (entry && entry.blockedUntil > now) return blocked(limit + 1, entry.blockedUntil - now);
    if (!entry || entry.windowEndsAt <= now) {
      this.entries.set(key, { hits: 1, windowEndsAt: now + ttlMs, blockedUntil: 0 });
      return { totalHits: 1, timeToExpire: Math.ceil(ttlMs / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
    entry.hits++;
    if (entry.hits > limit) {
      // Blocked for blockMs; a fresh window starts after it.
      entry.blockedUntil = now + blockMs;
      entry.windowEndsAt = entry.blockedUntil;
      return blocked(entry.hits, blockMs);
    }
    return { totalHits: entry.hits, timeToExpire: Math.ceil((entry.windowEndsAt - now) / 1000), isBlocked: false, timeToBlockExpire: 0 };
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.entries.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, e] of this.entries) if (e.windowEndsAt <= now && e.blockedUntil <= now) this.entries.delete(key);
  }
}

const blocked = (hits: number, ms: number): RateLimitRecord => ({ totalHits: hits, timeToExpire: Math.ceil(ms / 1000), isBlocked: true, timeToBlockExpire: Math.ceil(ms / 1000) });

// One round trip, atomic across replicas: count the hit in a fixed window; past the limit, block
// the key for blockDuration and start a fresh window after it (as MemoryWindows does).
// KEYS: hits, block. ARGV: ttl ms, limit, block ms. Returns {hits, ms to window end, blocked, ms to unblock}.
const INCREMENT_SCRIPT = `
local blockMs = redis.call('PTTL', KEYS[2])
if blockMs > 0 then return {tonumber(ARGV[2]) + 1, blockMs, 1, blockMs} end
local hits = redis.call('INCR', KEYS[1])
local ttlMs = redis.call('PTTL', KEYS[1])
if ttlMs < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttlMs = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, tonumber(ARGV[3]), 1, tonumber(ARGV[3])}
end
return {hits, ttlMs, 0, 0}
`;

function createRedisClient(url: string, timeoutMs: number) {
  return createClient({
    url,
    // Commands fail at once while disconnected instead of queueing behind the outage.
    disableOfflineQueue: true,
    pingInterval: 5_000,
    socket: {
      connectTimeout: timeoutMs,
      // Reconnect forever, backing off to 2 s.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 2_000),
    },
  });
}

type RedisClient = ReturnType<typeof createRedisClient>;

class RedisTimeoutError extends Error {}

/**
 * Rate-limit counters: in Redis when REDIS_URL is set, so every replica counts against one limit;
 * in memory otherwise. Fails open: while Redis is down, slow or frozen, a request is allowed
 * after at most CACHE_TIMEOUT_MS (200 ms at most), never refused and never held.
 */
@Injectable()
export class RateLimitStorage implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitStorage.name);
  private readonly redisUrl?: string;
  private readonly timeoutMs: number;
  private readonly memory = new MemoryWindows();
  private client: RedisClient | null = null;
  private lastError = '';

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    this.redisUrl = config.get('REDIS_URL', { infer: true });
    this.timeoutMs = Math.min(config.get('CACHE_TIMEOUT_MS', { infer: true }), 200);
  }

  get backend(): 'redis' | 'memory' {
    return this.redisUrl ? 'redis' : 'memory';
  }

  /** Whether limits are enforced right now (false while Redis is unreachable: requests go through). */
  get enforcing(): boolean {
    return !this.redisUrl || this.client?.isReady === true;
  }

  onModuleInit(): void {
    if (!this.redisUrl) return;
    const client = createRedisClient(this.redisUrl, this.timeoutMs);
    client.on('error', (e: Error) => this.warnOnce(e.message));
    client.on('ready', () => (this.lastError = ''));
    this.client = client;
    // The app starts whether or not Redis answers.
    client.connect().catch((e: Error) => this.warnOnce(e.message));
  }

  async onApplicationShutdown(): Promise<void> {
    this.memory.close();
    const client = this.client;
    this.client = null;
    try {
      // Also stops a reconnection loop that never got through.
      client?.destroy();
    } catch {
      // already closed
    }
  }

  /** Counts one hit on key (ttl and blockDuration in ms); the answer says whether it is over the limit. */
  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<RateLimitRecord> {
    if (!this.redisUrl) return this.memory.increment(key, ttl, limit, blockDuration);
    const client = this.client;
    const allowed = { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    if (!client?.isReady) return allowed;
    try {
      const reply = await this.bounded(
        client.eval(INCREMENT_SCRIPT, {
          keys: [`throttle:{${key}}:hits`, `throttle:{${key}}:block`],
          arguments: [String(ttl), String(limit), String(blockDuration)],
        }),
      );
      const [hits, expireMs, blocked, blockMs] = (reply as number[]).map(Number);
      return { totalHits: hits, timeToExpire: Math.ceil(expireMs / 1000), isBlocked: blocked === 1, timeToBlockExpire: Math.ceil(blockMs / 1000) };
    } catch (e) {
      this.warnOnce(`rate limit not enforced: ${(e as Error).message}`);
      return allowed;
    }
  }

  private warnOnce(message: string): void {
    // Reconnection keeps trying; say so once per distinct failure, not once per retry or request.
    if (message !== this.lastError) this.logger.warn(`redis: ${message}`);
    this.lastError = message;
  }

  private bounded<T>(promise: Promise<T>): Promise<T> {
    // A call that loses the race may still fail later: that must not surface as unhandled.
    promise.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeoutError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
