import { Injectable } from '@nestjs/common';
import { CacheService } from '../cache/cache.service.js';
import { RunCacheService } from '../cache/run-cache.service.js';
import { ContinuousRunService } from '../runs/continuous-run.service.js';
import type { StrategySummary } from '../engine/index.js';
import { RunStoreRepository } from '../ingest/ingest.repository.js';
import { RunsService } from '../runs/batch-runs.service.js';
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

/** The legacy React dashboard's API over the continuous run (DESIGN.md "Dashboard compatibility"). */
@Injectable()
export class LegacyService {
  private clearing: Promise<void> | null = null;

  constructor(
    private readonly continuous: ContinuousRunService,
    private readonly runs: RunsService,
    private readonly store: RunStoreRepository,
    private readonly repository: LegacyRepository,
    private readonly cache: CacheService,
    private readonly runCache: RunCacheService,
  ) {}

  async status(): Promise<LegacyStatusResponse> {
    const s = this.continuous.status();
    return { is_running: s.isRunning, is_paused: s.isPaused, tasks_processed: s.tasksProcessed, metrics: await this.metrics(s.runId) };
  }

  async start(): Promise<LegacyStatusResponse> {
    await this.continuous.start();
    return this.status();
  }

  async stop(): Promise<LegacyStatusResponse> {
    await this.continuous.stop();
    return this.status();
  }

  async pause(): Promise<LegacyStatusResponse> {
    await this.continuous.pause();
    return this.status();
  }

  async resume(): Promise<LegacyStatusResponse> {
    await this.continuous.resume();
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
  async clearHistory(): Promise<ClearHistoryResponse> {
    // Concurrent clears share one: a second would only stop the fresh run the first started.
    this.clearing ??= this.clearAll().finally(() => (this.clearing = null));
    await this.clearing;
    return { message: 'history cleared', ...(await this.status()) };
  }

  private async clearAll(): Promise<void> {
    const wasRunning = this.continuous.status().isRunning;
    await this.continuous.stop();
    await this.runs.cancelAll();
    const ids = await this.repository.runIds();
    await this.store.deleteAll();
    // Run ids are never reused, but the old runs' cached reads must not outlive their rows.
    await Promise.all(ids.flatMap((id) => [this.runCache.invalidateRun(id), this.cache.del(statusMetricsKey(id))]));
    if (wasRunning) await this.continuous.start();
  }

  private async continuousRunId(): Promise<number | null> {
    return this.continuous.runId ?? (await this.repository.latestContinuousRunId());
  }

  private async metrics(runId: number | null): Promise<Record<string, LegacyStrategyMetrics>> {
    const engine = this.continuous.engine;
    if (runId === null || engine === null || engine.processed === 0) return {};
    return this.cache.wrap(statusMetricsKey(runId), async () => toMetrics(engine.summary()), STATUS_METRICS_TTL_MS);
  }
}
