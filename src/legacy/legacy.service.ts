import { Injectable } from '@nestjs/common';
import { CacheService } from '../cache/cache.service.js';
import { RunCacheService } from '../cache/run-cache.service.js';
import type { StrategySummary } from '../engine/index.js';
import type { LeaderboardEntry } from '../metrics/dto/leaderboard.response.js';
import { LeaderboardService } from '../metrics/leaderboard.service.js';
import { RunCatalog } from '../runs/run-catalog.service.js';
import { RunLifecycle } from '../runs/run-lifecycle.service.js';
import type { ComparativeHistoryRow } from './dto/comparative-history.dto.js';
import type { FullHistoryRow } from './dto/full-history-row.response.js';
import type { ClearHistoryResponse, LegacyStatusResponse, LegacyStrategyMetrics } from './dto/legacy-status.response.js';
import { LegacyRepository } from './legacy.repository.js';

// The dashboard polls status; its metrics may be this stale at most.
const STATUS_METRICS_TTL_MS = 1000;
const FULL_HISTORY_ROWS = 1000;

function statusMetricsKey(runId: number): string {
  return `legacy:status-metrics:${runId}`;
}

function toMetrics(summary: StrategySummary[]): Record<string, LegacyStrategyMetrics> {
  return Object.fromEntries(
    summary.map((s) => [
      s.strategy,
      {
        avg_time: Number.isNaN(s.completionTime.mean) ? null : s.completionTime.mean,
        total_energy: s.totalEnergy,
        total_cost: s.totalCost,
        wins: s.wins,
        tasks: s.tasks,
      },
    ]),
  );
}

// The same figures from the leaderboard (the run's stored aggregates), by strategy name.
function fromLeaderboard(items: LeaderboardEntry[]): Record<string, LegacyStrategyMetrics> {
  const sorted = [...items].sort((a, b) => a.scheduler.localeCompare(b.scheduler));
  return Object.fromEntries(
    sorted.map((e) => [e.scheduler, { avg_time: e.meanCompletionTime, total_energy: e.totalEnergy, total_cost: e.totalCost, wins: e.wins, tasks: e.tasks }]),
  );
}

/** The legacy React dashboard's API over the continuous run (DESIGN.md "Dashboard compatibility"). */
@Injectable()
export class LegacyService {
  constructor(
    private readonly lifecycle: RunLifecycle,
    private readonly runs: RunCatalog,
    private readonly repository: LegacyRepository,
    private readonly cache: CacheService,
    private readonly runCache: RunCacheService,
    private readonly leaderboard: LeaderboardService,
  ) {}

  async status(): Promise<LegacyStatusResponse> {
    const s = await this.lifecycle.status();
    return { is_running: s.isRunning, is_paused: s.isPaused, tasks_processed: s.tasksProcessed, metrics: await this.metrics(s.runId) };
  }

  async start(): Promise<LegacyStatusResponse> {
    await this.lifecycle.start();
    return this.status();
  }

  async stop(): Promise<LegacyStatusResponse> {
    await this.lifecycle.stop();
    return this.status();
  }

  async pause(): Promise<LegacyStatusResponse> {
    await this.lifecycle.pause();
    return this.status();
  }

  async resume(): Promise<LegacyStatusResponse> {
    await this.lifecycle.resumeContinuous();
    return this.status();
  }

  /** The continuous run's latest training rows, latest first (the newest continuous run once stopped). */
  async fullHistory(): Promise<FullHistoryRow[]> {
    const runId = await this.continuousRunId();
    if (runId === null) return [];
    return this.runCache.wrap(runId, 'legacy:full-history', { limit: FULL_HISTORY_ROWS }, () => this.repository.trainingLatestFirst(runId, FULL_HISTORY_ROWS));
  }

  async comparativeHistory(limit: number): Promise<ComparativeHistoryRow[]> {
    const runId = await this.continuousRunId();
    if (runId === null) return [];
    return this.runCache.wrap(runId, 'legacy:comparative', { limit }, () => this.repository.comparativeLatestFirst(runId, limit));
  }

  /**
   * Clears every run's stored data: the continuous run stops, batch runs are cancelled, every
   * table is emptied, and a fresh continuous run starts when one was running.
   */
  /**
   * Clears every run's stored data: the continuous run stops, batch runs are cancelled, every
   * table is emptied, and a fresh continuous run starts when one was running.
   */
  async clearHistory(): Promise<ClearHistoryResponse> {
    await this.lifecycle.clearAll();
    return { message: 'history cleared', ...(await this.status()) };
  }

  private continuousRunId(): Promise<number | null> {
    return this.runs.latestContinuousId();
  }

  /** The running engine's figures where it runs; on another replica, the run's stored aggregates (O(strategies) either way). */
  private async metrics(runId: number | null): Promise<Record<string, LegacyStrategyMetrics>> {
    if (runId === null) return {};
    const live = this.runs.continuousRun()?.live ?? null;
    if (live === null) return fromLeaderboard((await this.leaderboard.get(runId)).items);
    if (live.processed === 0) return {};
    return this.cache.wrap(statusMetricsKey(runId), async () => toMetrics((await live.summary()).summary), STATUS_METRICS_TTL_MS);
  }
}
