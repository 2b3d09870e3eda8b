import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CacheService } from './cache.service.js';
import { share } from './shared-answer.js';

// The version key outlives every entry (CACHE_TTL_S ≤ 1 day), so an expired version can never
// make an old entry reachable again.
const VERSION_TTL_MS = 7 * 24 * 3600 * 1000;
// After the cache failed a call, reads go straight to PostgreSQL for this long instead of each
// paying the cache timeout again.
const BYPASS_AFTER_FAILURE_MS = 1000;
// How long a version read from the shared cache is trusted before asking again: another
// process's invalidation reaches this one within this delay (this process's own, at once).
const VERSION_MEMO_MS = 100;
// Answers kept in process memory, by versioned key, the most recently used first: up to this many
// list items in all (a comparative page of 1,000 tasks is ~2 MB, so at most ~40 MB).
const LOCAL_ITEMS = 20_000;
const localSize = (value: object): number => {
  const items = Array.isArray(value) ? value : (value as { items?: unknown }).items;
  return 1 + (Array.isArray(items) ? items.length : 0);
};

/** The read an answer kept in process memory answers: its run, the run's version then, and its key. */
export interface AnswerOrigin {
  readonly runId: number;
  readonly version: number;
  readonly key: string;
}

/**
 * Cache-aside for reads that depend on one run's data. Keys carry the run's data version, so a
 * flush that changes the run makes every older key unreachable at once (they expire by TTL).
 *
 * The shared version is re-read at most every VERSION_MEMO_MS per run.
 * Versions are wall-clock milliseconds (bumped past the last one seen), so processes sharing one
 * Redis never hand out a version another process already used. Concurrent reads of one key share
 * one version lookup, one cache read and at most one computation per process. A cache that fails
 * or times out is bypassed: no request waits longer than one cache timeout plus its query.
 * Bypassed, or off (CACHE_TTL_S=0), reads keep only the sharing of concurrent computations.
 *
 * A versioned key names one version's answer, so a copy of it in process memory is as fresh as
 * the shared one: answers read or computed here are kept in memory too (same TTL), and a repeated
 * read costs no round trip to Redis while the run's version stands. They are frozen (see share).
 */
@Injectable()
export class RunCacheService {
  // The latest version this process wrote or saw per run.
  private readonly versions = new Map<number, number>();
  private readonly versionLookups = new Map<number, Promise<number | undefined>>();
  private readonly sharedVersions = new Map<number, { version: number; until: number }>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly local: LRUCache<string, object>;
  // Where each answer kept in memory came from.
  private readonly origins = new WeakMap<object, AnswerOrigin | null>();
  private bypassUntil = 0;
  /** Reads answered from process memory (hits in the shared cache are counted by CacheService). */
  readonly counters = { localHits: 0 };

  // CACHE_TTL_S=0: nothing is cached, every read computes.
  private readonly off: boolean;

  constructor(private readonly cache: CacheService) {
    this.off = cache.ttlMs === 0;
    this.local = new LRUCache({ maxSize: LOCAL_ITEMS, sizeCalculation: localSize, ttl: cache.ttlMs });
  }

  /** The cached answer of `name(params)` for run `runId`, or compute and cache it. */
  async wrap<T>(runId: number, name: string, params: Record<string, unknown>, compute: () => Promise<T>): Promise<T> {
    // Without a cache, concurrent reads of one key still share one computation (a burst of them
    // would otherwise queue for database connections), started after this process's last write.
    const direct = () => this.once(this.key(runId, this.versions.get(runId) ?? 0, `${name}:direct`, params), compute);
    if (this.off || Date.now() < this.bypassUntil) return direct();
    const errorsBefore = this.cache.counters.errors;
    const version = await this.version(runId);
    // The lookup failed or timed out: the cache is away, do not pay a second timeout on it.
    if (this.cache.counters.errors !== errorsBefore) {
      this.bypassUntil = Date.now() + BYPASS_AFTER_FAILURE_MS;
      return direct();
    }
    const key = this.key(runId, version, name, params);
    const local = this.local.get(key);
    if (local !== undefined) {
      this.counters.localHits++;
      return local as T;
    }
    return this.once(key, async () => {
      const cached = await this.cache.get<T>(key);
      if (cached !== undefined) {
        this.remember(key, runId, version, cached);
        return cached;
      }
      const value = await compute();
      this.remember(key, runId, version, value);
      // Storing must not hold the answer back when the cache is slow.
      void this.cache.set(key, value);
      return value;
    });
  }

  /** `compute()`, or the computation of `key` already in flight. */
  private once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const run = (async () => {
      try {
        return await compute();
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, run);
    return run;
  }

  private remember(key: string, runId: number, version: number, value: unknown): void {
    if (typeof value !== 'object' || value === null) return;
    this.local.set(key, share(value));
    // One object kept under two keys (a shared constant) cannot tell which read it answers.
    const known = this.origins.get(value);
    this.origins.set(value, known === undefined || known?.key === key ? { runId, version, key } : null);
  }

  /** Where an answer wrap gave (and keeps) came from: the read to ask `current` about later. */
  originOf(answer: object): AnswerOrigin | undefined {
    return this.origins.get(answer) ?? undefined;
  }

  /**
   * The answer wrap would give now for the read `origin` names, known without any I/O: when the
   * run's version is still the one it was kept under (as memoized) and it is still kept. Counted
   * as a local hit. Undefined otherwise, or when that cannot be told right now.
   */
  current(origin: AnswerOrigin): object | undefined {
    if (this.off || Date.now() < this.bypassUntil) return undefined;
    const memo = this.sharedVersions.get(origin.runId);
    if (!memo || memo.until <= Date.now() || Math.max(memo.version, this.versions.get(origin.runId) ?? 0) !== origin.version) return undefined;
    const answer = this.local.get(origin.key);
    if (answer !== undefined) this.counters.localHits++;
    return answer;
  }

  /** Called after a write changed run `runId`'s data: every cached read of the run is stale from now on. */
  async invalidateRun(runId: number): Promise<void> {
    const next = Math.max(Date.now(), (this.versions.get(runId) ?? 0) + 1);
    this.versions.set(runId, next);
    await this.cache.set(this.versionKey(runId), next, VERSION_TTL_MS);
  }

  /** The cache key of `name(params)` for the run's current version (for tests and diagnostics). */
  async currentKey(runId: number, name: string, params: Record<string, unknown>): Promise<string> {
    return this.key(runId, await this.version(runId), name, params);
  }

  private key(runId: number, version: number, name: string, params: Record<string, unknown>): string {
    return `run:${runId}:v${version}:${name}:${JSON.stringify(params)}`;
  }

  private versionKey(runId: number): string {
    return `run:${runId}:version`;
  }

  private async version(runId: number): Promise<number> {
    const memo = this.sharedVersions.get(runId);
    if (memo && memo.until > Date.now()) return Math.max(memo.version, this.versions.get(runId) ?? 0);
    const errorsBefore = this.cache.counters.errors;
    let lookup = this.versionLookups.get(runId);
    if (!lookup) {
      lookup = this.cache.get<number>(this.versionKey(runId)).finally(() => this.versionLookups.delete(runId));
      this.versionLookups.set(runId, lookup);
    }
    const shared = (await lookup) ?? 0;
    if (this.cache.counters.errors === errorsBefore) this.sharedVersions.set(runId, { version: shared, until: Date.now() + VERSION_MEMO_MS });
    // Read the local version after the await: an invalidation that happened meanwhile counts.
    const local = this.versions.get(runId) ?? 0;
    if (shared > local) this.versions.set(runId, shared);
    return Math.max(shared, local);
  }
}
