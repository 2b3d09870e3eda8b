import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

// One round trip, atomic across replicas: lease up to 1/ARGV[3] of what is left of the key's fixed
// window (at least one hit: the one asking), counted in Redis at once; with nothing left, none.
// KEYS: the counter. ARGV: window ms, limit, lease divisor. Returns {hits counted, ms to window end, hits leased}.
const LEASE_SCRIPT = `
local limit = tonumber(ARGV[2])
local room = limit - tonumber(redis.call('GET', KEYS[1]) or '0')
local lease = 0
if room > 0 then lease = math.max(1, math.floor(room / tonumber(ARGV[3]))) end
local hits = redis.call('INCRBY', KEYS[1], lease)
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl, lease}
`;
// A replica takes at most this fraction of a client's remaining hits at once. Leased hits count in
// Redis when taken, so the replicas together never admit more than the limit; near it, leases
// shrink to one hit per round trip and the count is exact. With a limit of 1000, a client's first
// 15 requests cost one round trip.
const LEASE_DIVISOR = 64;
// Clients whose leases a process keeps (the least recently leased dropped first, expired ones before).
const MAX_CLIENTS = 10_000;

type Verdict = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Verdict) => void;
type LeaseCommand = (key: string, windowMs: number, max: number, divisor: number) => Promise<[number, number, number]>;

/** Hits this process leased for one client's window: `left` of them, `counted` in Redis when taken. */
interface Lease {
  left: number;
  counted: number;
  endsAt: number;
}

/**
 * A @fastify/rate-limit store (its `store` option) that leases hits from a fixed window in Redis,
 * so far from the limit one round trip serves many requests. One budget per client for every
 * replica. Past the limit every request asks Redis again, so that an outage lets it through: Redis
 * errors reach the plugin (skipOnError lets the request through), and the client must fail fast, as
 * RedisConnection's does (no offline queue, commands time out after at most 200 ms).
 */
export function leaseStore(redis: Redis, nameSpace = 'throttle:'): FastifyRateLimitStoreCtor {
  const commands = redis as unknown as { rateLimitLease?: LeaseCommand };
  if (!commands.rateLimitLease) redis.defineCommand('rateLimitLease', { numberOfKeys: 1, lua: LEASE_SCRIPT });
  const lease = commands.rateLimitLease!.bind(redis);

  class LeaseStore implements FastifyRateLimitStore {
    private readonly leases = new Map<string, Lease>();
    // Per client, the round trip in flight: the requests that arrive meanwhile wait for it. It settles
    // to the refusal when the window was full, to nothing when it left a lease.
    private readonly pending = new Map<string, Promise<Verdict | undefined>>();

    constructor(
      _options?: unknown,
      private readonly prefix = nameSpace,
    ) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const verdict = this.fromLease(key);
      if (verdict) return callback(null, verdict);
      let round = this.pending.get(key);
      if (!round) {
        round = lease(this.prefix + key, timeWindow, max, LEASE_DIVISOR)
          .then(([counted, ttl, leased]) => {
            if (leased === 0) return { current: max + 1, ttl };
            this.keep(key, { left: leased, counted, endsAt: Date.now() + Math.max(ttl, 1) });
            return undefined;
          })
          .finally(() => this.pending.delete(key));
        this.pending.set(key, round);
      }
      // The window full: refused, as is every request that waited on this round trip. Else spend the lease.
      round.then((refused) => (refused ? callback(null, refused) : this.incr(key, callback, timeWindow, max)), callback);
    }

    /** For a route with a rateLimit config of its own: a budget of its own (the plugin passes the route as routeInfo). */
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new LeaseStore(undefined, `${this.prefix}${route?.method ?? ''}${route?.url ?? ''}-`);
    }

    /** This hit's verdict when a leased hit is left for it. */
    private fromLease(key: string): Verdict | undefined {
      const held = this.leases.get(key);
      const now = Date.now();
      if (!held || held.left === 0 || held.endsAt <= now) return undefined;
      held.left--;
      return { current: held.counted - held.left, ttl: held.endsAt - now };
    }

    private keep(key: string, held: Lease): void {
      this.leases.delete(key);
      if (this.leases.size >= MAX_CLIENTS) {
        const now = Date.now();
        for (const [k, l] of this.leases) if (l.endsAt <= now) this.leases.delete(k);
        if (this.leases.size >= MAX_CLIENTS) this.leases.delete(this.leases.keys().next().value!);
      }
      this.leases.set(key, held);
    }
  }
  return LeaseStore;
}
