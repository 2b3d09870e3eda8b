import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeKeyCursor, toKeyPage, type Page } from '../common/page.js';
import type { SchedulingSummary } from '../engine/index.js';
import { engineRun, type LiveRun } from './execution/live-run.js';
import { BatchRunsService } from './batch-runs.service.js';
import { ContinuousRunService } from './continuous-run.service.js';
import { RunResponse } from './dto/run.response.js';
import { RunsRepository } from './runs.repository.js';
import type { RunStatus } from './simulation-run.entity.js';

/** What other modules may know of runs: the stored ones, and the engines executing now. */
@Injectable()
export class RunCatalog {
  constructor(
    private readonly runs: RunsRepository,
    private readonly continuous: ContinuousRunService,
    private readonly batches: BatchRunsService,
  ) {}

  async listRuns(limit: number, cursor?: string): Promise<Page<RunResponse>> {
    const [after] = decodeKeyCursor<[number]>(cursor, ['int']) ?? [];
    const rows = await this.runs.findPage(limit + 1, after);
    const page = toKeyPage(rows, limit, (r) => [r.id]);
    return { items: page.items.map(RunResponse.from), nextCursor: page.nextCursor };
  }

  async getRun(id: number): Promise<RunResponse> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFound('run', id);
    return RunResponse.from(run);
  }

  /** Status and committed progress of each of the runs `ids` that exists (one query). */
  progressOf(ids: readonly number[]): Promise<{ id: number; status: RunStatus; tasksProcessed: number }[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.runs.progressOf(ids);
  }

  /** The continuous run in this process (paused or not), when there is one. */
  continuousRun(): { runId: number; live: LiveRun } | null {
    const { runId, live } = this.continuous;
    return runId !== null && live !== null ? { runId, live } : null;
  }

  /** The continuous run when another replica leads it: the newest, while it is running or paused. */
  async continuousRunElsewhere(): Promise<number | null> {
    if (this.continuous.runId !== null) return null;
    const run = await this.runs.latestContinuous();
    return run && (run.status === 'running' || run.status === 'paused') ? run.id : null;
  }

  /** The newest continuous run, running or not (its data stays readable after a stop). */
  async latestContinuousId(): Promise<number | null> {
    return this.continuous.runId ?? (await this.runs.latestContinuousId()) ?? null;
  }

  /**
   * Run `runId` when it is executing in this process and can be read live: the continuous run
   * (wherever it steps), or a batch run stepping on this thread.
   */
  liveRun(runId: number): LiveRun | null {
    if (this.continuous.runId === runId) return this.continuous.live;
    const engine = this.batches.executing(runId);
    return engine ? engineRun(engine) : null;
  }

  /**
   * Each strategy's scheduling metrics (makespan, throughput, utilisation, backlog) of run `runId`:
   * from its engine while it executes in this process (on this thread or in its worker thread), else
   * from its stored summary once it has one; empty otherwise (runs stored before the metrics).
   */
  async scheduling(runId: number): Promise<Map<string, SchedulingSummary>> {
    const live = this.liveRun(runId);
    if (live) return new Map((await live.summary()).summary.map((r) => [r.strategy, r.scheduling]));
    const summary = (await this.runs.findById(runId))?.summary;
    const lines = Array.isArray(summary) ? (summary as { strategy: string; scheduling?: SchedulingSummary }[]) : [];
    return new Map(lines.filter((l) => l.scheduling !== undefined).map((l) => [l.strategy, l.scheduling as SchedulingSummary]));
  }

  /** The task a run's last checkpoint was taken after: undefined when the run does not exist, null before its first. */
  checkpointIndex(runId: number): Promise<number | null | undefined> {
    return this.runs.checkpointIndex(runId);
  }

  /** A run's last checkpoint: undefined when the run does not exist, null before its first. */
  loadCheckpoint(runId: number): Promise<{ taskIndex: number; engine: unknown } | null | undefined> {
    return this.runs.loadCheckpoint(runId);
  }
}
