import { createHash } from 'node:crypto';
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

// One round trip, atomic across replicas: take a lease of hits from the key's fixed window (up to
// 1/LEASE_DIVISOR of what is left, at least one: the one asking); with nothing left, block the key
// for blockDuration and start a fresh window after it (as MemoryWindows does).
// KEYS: hits, block. ARGV: ttl ms, limit, block ms, lease divisor.
// Returns {hits counted in the window, ms to window end, blocked, ms to unblock, hits leased}.
const LEASE_SCRIPT = `
local blockMs = redis.call('PTTL', KEYS[2])
if blockMs > 0 then return {tonumber(ARGV[2]) + 1, blockMs, 1, blockMs, 0} end
local limit = tonumber(ARGV[2])
local room = limit - tonumber(redis.call('GET', KEYS[1]) or '0')
if room <= 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {limit + 1, tonumber(ARGV[3]), 1, tonumber(ARGV[3]), 0}
end
local lease = math.max(1, math.floor(room / tonumber(ARGV[4])))
local hits = redis.call('INCRBY', KEYS[1], lease)
local ttlMs = redis.call('PTTL', KEYS[1])
if ttlMs < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttlMs = tonumber(ARGV[1])
end
return {hits, ttlMs, 0, 0, lease}
`;
// Sent by digest (EVALSHA): the script's text travels, and is hashed by Redis, only when Redis
// does not know it yet (after a restart or SCRIPT FLUSH).
const LEASE_SHA = createHash('sha1').update(LEASE_SCRIPT).digest('hex');
// A replica takes at most this fraction of a key's remaining hits at once. Leased hits are
// counted in Redis when taken, so replicas together never admit more than the limit; near it,
// leases shrink to one hit per round trip and the count is exact. With THROTTLE_LIMIT 1000, a
// client's first 15 requests cost one round trip, not 15.
const LEASE_DIVISOR = 64;

/** Hits this process leased from Redis for one key's current window. */
interface Lease {
  left: number;
  // The window's count in Redis when the lease was taken (leased hits included).
  counted: number;
  windowEndsAt: number;
}

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
 * Rate-limit counters: in Redis when REDIS_URL is set, so every replica counts against one limit
 * (hits are leased from Redis a few at a time while far from the limit; see LEASE_DIVISOR); in
 * memory otherwise. Fails open: while Redis is down, slow or frozen, a request is allowed
 * after at most CACHE_TIMEOUT_MS (200 ms at most), never refused and never held.
 */
@Injectable()
export class RateLimitStorage implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitStorage.name);
  private readonly redisUrl?: string;
  private readonly timeoutMs: number;
  private readonly memory = new MemoryWindows();
  private readonly leases = new Map<string, Lease>();
  // Per key, the lease request in flight; it settles to whether Redis answered.
  private readonly leaseRequests = new Map<string, Promise<boolean>>();
  private sweeper: NodeJS.Timeout | null = null;
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
    if (this.sweeper) clearInterval(this.sweeper);
    this.leases.clear();
    const client = this.client;
    this.client = null;
    try {
      // Also stops a reconnection loop that never got through.
      client?.destroy();
    } catch {
      // already closed
    }
  }

  /**
   * Counts one hit on key like increment, when that needs no round trip: in memory, or a hit
   * leased from Redis earlier (nearly every hit far from the limit). Undefined, and nothing
   * counted, when it needs one: then call increment.
   */
  incrementNow(key: string, ttl: number, limit: number, blockDuration: number): RateLimitRecord | undefined {
    if (!this.redisUrl) return this.memory.increment(key, ttl, limit, blockDuration);
    return this.takeLeased(key) ?? undefined;
  }

  /** Counts one hit on key (ttl and blockDuration in ms); the answer says whether it is over the limit. */
  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<RateLimitRecord> {
    if (!this.redisUrl) return this.memory.increment(key, ttl, limit, blockDuration);
    const allowed = { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    for (;;) {
      const leased = this.takeLeased(key);
      if (leased) return leased;
      // One lease request per key at a time: the requests that arrive meanwhile share its lease.
      const pending = this.leaseRequests.get(key);
      if (!pending) break;
      if (!(await pending)) return allowed;
    }
    const request = this.requestLease(key, ttl, limit, blockDuration);
    const answered = request.then((record) => record !== null);
    this.leaseRequests.set(key, answered);
    try {
      return (await request) ?? allowed;
    } finally {
      this.leaseRequests.delete(key);
    }
  }

  private takeLeased(key: string): RateLimitRecord | null {
    const lease = this.leases.get(key);
    const now = Date.now();
    if (!lease || lease.left <= 0 || lease.windowEndsAt <= now) return null;
    lease.left--;
    return { totalHits: lease.counted - lease.left, timeToExpire: Math.ceil((lease.windowEndsAt - now) / 1000), isBlocked: false, timeToBlockExpire: 0 };
  }

  /** One round trip for this hit and a lease of the next ones; null when Redis did not answer (fail open). */
  private async requestLease(key: string, ttl: number, limit: number, blockDuration: number): Promise<RateLimitRecord | null> {
    const client = this.client;
    if (!client?.isReady) return null;
    try {
      const options = { keys: [`throttle:{${key}}:hits`, `throttle:{${key}}:block`], arguments: [String(ttl), String(limit), String(blockDuration), String(LEASE_DIVISOR)] };
      const reply = await this.bounded(
        client.evalSha(LEASE_SHA, options).catch((e: Error) => {
          if (!e.message.startsWith('NOSCRIPT')) throw e;
          return client.eval(LEASE_SCRIPT, options);
        }),
      );
      const [hits, expireMs, blocked, blockMs, leased] = (reply as number[]).map(Number);
      if (blocked === 1) {
        this.leases.delete(key);
        return { totalHits: hits, timeToExpire: Math.ceil(expireMs / 1000), isBlocked: true, timeToBlockExpire: Math.ceil(blockMs / 1000) };
      }
      // This hit takes the first of the leased ones; the rest serve the next hits from memory.
      this.leases.set(key, { left: leased - 1, counted: hits, windowEndsAt: Date.now() + expireMs });
      this.sweeper ??= setInterval(() => this.sweep(), 60_000).unref();
      return { totalHits: hits - (leased - 1), timeToExpire: Math.ceil(expireMs / 1000), isBlocked: false, timeToBlockExpire: 0 };
    } catch (e) {
      this.warnOnce(`rate limit not enforced: ${(e as Error).message}`);
      return null;
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, lease] of this.leases) if (lease.windowEndsAt <= now) this.leases.delete(key);
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
