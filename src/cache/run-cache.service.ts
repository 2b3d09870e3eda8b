import { HttpException, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { onRunEvent, RUN_DATA_CHANGED } from '../runs/run-events.js';
import { CacheService } from './cache.service.js';
import { HeldAnswers, type AnswerOrigin, type Held } from './held-answers.js';
import { RunVersions } from './run-versions.js';

// After the cache failed a call, reads go straight to PostgreSQL for this long instead of each
// paying the cache timeout again.
const BYPASS_AFTER_FAILURE_MS = 1000;
// After a refresh failed (PostgreSQL away), the last answer is still given for this long past its
// TTL, and the refresh is tried again at most this often.
const STALE_IF_ERROR_MS = 60_000;
const RETRY_AFTER_FAILURE_MS = 1000;
// How long a shutdown waits for the refreshes running (a database that is away must not hold it up).
const SHUTDOWN_WAIT_MS = 5000;

/** What the shared cache holds under a versioned key: the answer, and when its computation started. */
interface Stored {
  at: number;
  answer: unknown;
}
const isStored = (value: unknown): value is Stored => typeof value === 'object' && value !== null && typeof (value as Stored).at === 'number' && 'answer' in value;

/**
 * Cache-aside with stale-while-revalidate for reads that depend on one run's data. Keys carry the
 * run's data version, so a flush that changes the run makes every older key unreachable at once
 * (they expire by TTL).
 *
 * A read waits for a computation only when this process holds no answer to give for it. Otherwise:
 * - the answer is fresh (computed under the run's current version, less than a TTL ago): given;
 * - it is stale (a TTL old, or computed under an earlier version after `runWritten`): given at
 *   once, while one refresh per read and process computes the current one in the background. A
 *   stale answer is given for at most one more TTL (a read after that waits), or, while its
 *   refreshes fail, STALE_IF_ERROR_MS: a failed refresh never becomes an error for the reader.
 *   A refresh answered by an HTTP 4xx (the run is gone) drops the answer: the next read waits.
 * `invalidateRun` (deletions) makes every earlier answer of the run unusable here at once.
 *
 * Run versions are RunVersions'. Concurrent reads of one key share one version lookup, one
 * cache read and at most one computation per process; a refresh first looks for an answer another
 * process stored under the key (replicas do not lock: at most one refresh per read in each). A
 * cache that fails or times out is bypassed for BYPASS_AFTER_FAILURE_MS: no request waits longer than
 * one cache timeout plus its query, answers held in memory are given as above (under the latest version
 * this process knows), and what is computed meanwhile is kept in memory only. Off (CACHE_TTL_S=0),
 * reads keep only the sharing of concurrent computations.
 *
 * Answers kept in process memory are HeldAnswers'. `originOf` and `current` are the HTTP fast path's
 * port to them (`CachedAnswers` in src/http/fast-path/answer-shortcut.ts): no I/O.
 */
@Injectable()
export class RunCacheService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunCacheService.name);
  /** The clock of TTLs, memos and back-offs (tests set a fake one); versions use the wall clock. */
  clock: () => number = () => Date.now();
  private readonly ttlMs: number;
  private readonly versions: RunVersions;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  // Background refreshes, by read.
  private readonly refreshes = new Map<string, Promise<void>>();
  private readonly held = new HeldAnswers();
  private bypassUntil = 0;
  private closing = false;
  /** Reads answered from process memory, fresh or stale (hits in the shared cache are counted by CacheService). */
  readonly counters = { localHits: 0, staleHits: 0, refreshes: 0, refreshFailures: 0 };

  // CACHE_TTL_S=0: nothing is cached, every read computes.
  private readonly off: boolean;

  constructor(
    private readonly cache: CacheService,
    private readonly emitter: EventEmitter2,
  ) {
    this.ttlMs = cache.ttlMs;
    this.off = cache.ttlMs === 0;
    this.versions = new RunVersions(cache, () => this.clock());
  }

  /** The one place reads are invalidated: a flush makes a run's answers stale, a delete unusable. */
  onModuleInit(): void {
    onRunEvent(this.emitter, RUN_DATA_CHANGED, ({ runId, change }) => {
      if (change === 'written') return this.runWritten(runId);
      if (change === 'deleted') return this.invalidateRun(runId);
      return undefined;
    });
  }

  /** The cached answer of `name(params)` for run `runId`, or compute and cache it. */
  async wrap<T>(runId: number, name: string, params: Record<string, unknown>, compute: () => Promise<T>): Promise<T> {
    // Without a cache, concurrent reads of one key still share one computation (a burst of them
    // would otherwise queue for database connections), started after this process's last write.
    if (this.off) return this.once(this.key(runId, this.versions.local(runId), `${name}:direct`, params), compute);
    // While the shared cache is bypassed, the version is the latest this process knows, and
    // answers are computed without it; those held in memory are given as always.
    let shared = this.clock() >= this.bypassUntil;
    let version = this.versions.local(runId);
    if (shared) {
      const errorsBefore = this.cache.counters.errors;
      version = await this.versions.current(runId);
      // The lookup failed or timed out: the cache is away, do not pay a second timeout on it.
      if (this.cache.counters.errors !== errorsBefore) {
        this.bypassUntil = this.clock() + BYPASS_AFTER_FAILURE_MS;
        shared = false;
      }
    }
    const read = this.read(runId, name, params);
    const load = () => this.load(read, runId, version, this.key(runId, version, name, params), compute, shared);
    const held = this.held.get(read);
    if (held && this.fresh(held, version)) {
      this.counters.localHits++;
      return held.value as T;
    }
    if (held && this.servable(held, runId)) {
      this.counters.staleHits++;
      this.refresh(read, held, load);
      return held.value as T;
    }
    return load();
  }

  /** Resolves once no refresh is running (tests; shutdown). */
  async whenRefreshed(): Promise<void> {
    while (this.refreshes.size > 0) await Promise.all(this.refreshes.values());
  }

  async beforeApplicationShutdown(): Promise<void> {
    // No refresh starts from now on, and the running ones end before the database closes.
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([this.whenRefreshed(), waited]).finally(() => clearTimeout(timer));
  }

  /**
   * The answer under `key` in the shared cache while fresh, else computed (and stored); kept in
   * memory either way. Without `shared` (the cache is bypassed), computed and kept in memory only.
   */
  private load<T>(read: string, runId: number, version: number, key: string, compute: () => Promise<T>, shared: boolean): Promise<T> {
    return this.once(key, async () => {
      const origin: AnswerOrigin = { runId, version, read };
      const stored = shared ? await this.cache.get<unknown>(key) : undefined;
      if (isStored(stored) && this.clock() - stored.at < this.ttlMs) {
        this.held.keep(origin, stored.answer, stored.at);
        return stored.answer as T;
      }
      const at = this.clock();
      const value = await compute();
      this.held.keep(origin, value, at);
      // Storing must not hold the answer back when the cache is slow.
      if (shared) void this.cache.set(key, { at, answer: value } satisfies Stored);
      return value;
    });
  }

  /** One background computation of the read's current answer, unless one is running or a failed one is backing off. */
  private refresh(read: string, held: Held, load: () => Promise<unknown>): void {
    if (this.closing || this.refreshes.has(read) || (held.failedUntil ?? 0) > this.clock()) return;
    this.counters.refreshes++;
    const refresh = load()
      .then(
        () => undefined,
        (e: Error) => this.refreshFailed(read, held, e),
      )
      .finally(() => this.refreshes.delete(read));
    this.refreshes.set(read, refresh);
  }

  private refreshFailed(read: string, held: Held, error: Error): void {
    this.counters.refreshFailures++;
    // The read itself is now an error (the run was deleted, say): that is the answer to give.
    if (error instanceof HttpException && error.getStatus() < 500) {
      this.held.drop(read, held);
      return;
    }
    if (held.failedUntil === undefined) this.logger.warn(`refreshing ${read} failed (${error.message}): its last answer is given meanwhile`);
    held.failedUntil = this.clock() + RETRY_AFTER_FAILURE_MS;
  }

  /** Fresh: computed under the run's current version, less than a TTL ago. */
  private fresh(held: Held, version: number): boolean {
    return held.version === version && this.clock() - held.at < this.ttlMs;
  }

  /** Stale but still given while it is refreshed: see the class comment. */
  private servable(held: Held, runId: number): boolean {
    if (held.version < this.versions.floor(runId)) return false;
    const grace = held.failedUntil === undefined ? this.ttlMs : Math.max(this.ttlMs, STALE_IF_ERROR_MS);
    return this.clock() - held.at < this.ttlMs + grace;
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

  /** Where an answer wrap gave (and keeps) came from: the read to ask `current` about later. */
  originOf(answer: object): AnswerOrigin | undefined {
    return this.held.originOf(answer);
  }

  /**
   * The answer wrap would give now for the read `origin` names, known without any I/O: when the
   * run's version is still the one it was kept under (as memoized) and it is still fresh (a local
   * hit), or while a refresh of the read is running, the stale answer it replaces (a stale hit).
   * Undefined otherwise (a stale answer with no refresh running is left to wrap, which starts one),
   * or when that cannot be told right now.
   */
  current(origin: AnswerOrigin): object | undefined {
    const now = this.clock();
    if (this.off || now < this.bypassUntil) return undefined;
    // A refresh of this read is running: wrap would give the answer it replaces, whatever the
    // version now is, so that answer can be given here too. (Without a refresh running, a stale
    // answer is left to wrap, which starts one.)
    const refreshing = this.refreshes.has(origin.read) ? this.held.get(origin.read) : undefined;
    if (refreshing && this.servable(refreshing, origin.runId) && typeof refreshing.value === 'object' && refreshing.value !== null) {
      this.counters.staleHits++;
      return refreshing.value;
    }
    if (this.versions.memoized(origin.runId) !== origin.version) return undefined;
    const held = this.held.get(origin.read);
    if (!held || !this.fresh(held, origin.version) || typeof held.value !== 'object' || held.value === null) return undefined;
    this.counters.localHits++;
    return held.value;
  }

  /**
   * Called after a flush added to run `runId`'s data: reads of the run are stale from now on. Each
   * is given its previous answer until the current one is computed (one refresh per read).
   */
  async runWritten(runId: number): Promise<void> {
    await this.versions.bump(runId, { floor: false });
  }

  /**
   * Called after run `runId`'s data was removed or replaced: no read in this process is given an
   * answer from before this call (another process may give one until its refresh, which finds the
   * run gone).
   */
  async invalidateRun(runId: number): Promise<void> {
    await this.versions.bump(runId, { floor: true });
  }

  /** The cache key of `name(params)` for the run's current version (for tests and diagnostics). */
  async currentKey(runId: number, name: string, params: Record<string, unknown>): Promise<string> {
    return this.key(runId, await this.versions.current(runId), name, params);
  }

  private read(runId: number, name: string, params: Record<string, unknown>): string {
    return `run:${runId}:${name}:${JSON.stringify(params)}`;
  }

  private key(runId: number, version: number, name: string, params: Record<string, unknown>): string {
    return `run:${runId}:v${version}:${name}:${JSON.stringify(params)}`;
  }
}
