import type { CacheService } from './cache.service.js';

// The version key outlives every entry (CACHE_TTL_S ≤ 1 day), so an expired version can never
// make an old entry reachable again.
const VERSION_TTL_MS = 7 * 24 * 3600 * 1000;
// How long a version read from the shared cache is trusted before asking again: another
// process's invalidation reaches this one within this delay (this process's own, at once).
const VERSION_MEMO_MS = 100;

/**
 * The data version of each run, as the run cache keys its answers by: bumped by this process's
 * writes, shared through the cache (Redis) with the other processes, and re-read from there at
 * most every VERSION_MEMO_MS per run. Versions are wall-clock milliseconds (bumped past the last
 * one seen), so processes sharing one Redis never hand out a version another already used.
 */
export class RunVersions {
  // The latest version this process wrote or saw per run.
  private readonly latest = new Map<number, number>();
  // Per run, the version of this process's last invalidation: answers from before it are not given.
  private readonly floors = new Map<number, number>();
  private readonly lookups = new Map<number, Promise<number | undefined>>();
  private readonly memos = new Map<number, { version: number; until: number }>();

  /** `clock` times the memos (the run cache's, which tests replace); versions use the wall clock. */
  constructor(
    private readonly cache: CacheService,
    private readonly clock: () => number,
  ) {}

  /** The latest version this process knows, without asking the shared cache. */
  local(runId: number): number {
    return this.latest.get(runId) ?? 0;
  }

  /** Answers under a version below this one are not to be given (see bump). */
  floor(runId: number): number {
    return this.floors.get(runId) ?? 0;
  }

  /** The current version while the memo of the shared one is fresh; undefined when only I/O can tell. */
  memoized(runId: number): number | undefined {
    const memo = this.memos.get(runId);
    return memo && memo.until > this.clock() ? Math.max(memo.version, this.local(runId)) : undefined;
  }

  /** The current version: memoized, or read from the shared cache (one lookup per run at a time). */
  async current(runId: number): Promise<number> {
    const memoized = this.memoized(runId);
    if (memoized !== undefined) return memoized;
    const errorsBefore = this.cache.counters.errors;
    let lookup = this.lookups.get(runId);
    if (!lookup) {
      lookup = this.cache.get<number>(this.key(runId)).finally(() => this.lookups.delete(runId));
      this.lookups.set(runId, lookup);
    }
    const shared = (await lookup) ?? 0;
    if (this.cache.counters.errors === errorsBefore) this.memos.set(runId, { version: shared, until: this.clock() + VERSION_MEMO_MS });
    // Read the local version after the await: a bump that happened meanwhile counts.
    const local = this.local(runId);
    if (shared > local) this.latest.set(runId, shared);
    return Math.max(shared, local);
  }

  /** A new version for the run, stored for the other processes; with `floor`, earlier answers are unusable here. */
  async bump(runId: number, { floor }: { floor: boolean }): Promise<void> {
    const next = Math.max(Date.now(), this.local(runId) + 1);
    this.latest.set(runId, next);
    if (floor) this.floors.set(runId, next);
    await this.cache.set(this.key(runId), next, VERSION_TTL_MS);
  }

  private key(runId: number): string {
    return `run:${runId}:version`;
  }
}
