import { Injectable } from '@nestjs/common';
import { CacheService } from './cache.service.js';

/**
 * Cache-aside for reads that depend on one run's data. Keys carry the run's data version, so a
 * flush that changes the run makes every older key unreachable at once (they expire by TTL).
 */
@Injectable()
export class RunCacheService {
  // The latest version seen per run; the shared copy lives in the cache itself.
  private readonly versions = new Map<number, number>();

  constructor(private readonly cache: CacheService) {}

  /** The cached answer of `name(params)` for run `runId`, or compute and cache it. */
  async wrap<T>(runId: number, name: string, params: Record<string, unknown>, compute: () => Promise<T>): Promise<T> {
    const version = await this.version(runId);
    const key = `run:${runId}:v${version}:${name}:${JSON.stringify(params)}`;
    return this.cache.wrap(key, compute);
  }

  /** Called after a write changed run `runId`'s data. */
  async invalidateRun(runId: number): Promise<void> {
    const next = (this.versions.get(runId) ?? 0) + 1;
    this.versions.set(runId, next);
    await this.cache.set(`run:${runId}:version`, next, 24 * 3600 * 1000);
  }

  private async version(runId: number): Promise<number> {
    const shared = await this.cache.get<number>(`run:${runId}:version`);
    const local = this.versions.get(runId) ?? 0;
    return Math.max(shared ?? 0, local);
  }
}
