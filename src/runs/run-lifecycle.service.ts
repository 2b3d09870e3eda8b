import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NotFound } from '../common/app-errors.js';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { BatchRunsService, type CreatedRun } from './batch-runs.service.js';
import { ContinuousRunService, type ContinuousStatus } from './continuous-run.service.js';
import type { RunRequest } from './dto/run-request.js';
import { RunEvents } from './run-events.js';
import { RunsRepository } from './runs.repository.js';

/**
 * Every change to a run's life, in one place: create, start, pause, resume, stop, delete, clear
 * all, and carrying on after a restart. The continuous run and the queue of batch runs execute;
 * this decides. Controllers and the legacy API call it, never the executors' stores.
 */
@Injectable()
export class RunLifecycle implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunLifecycle.name);
  private readonly resume: boolean;
  private readonly autostart: boolean;
  private clearing: Promise<void> | null = null;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly runs: RunsRepository,
    private readonly continuous: ContinuousRunService,
    private readonly batches: BatchRunsService,
    private readonly events: RunEvents,
  ) {
    this.resume = config.get('SIM_RESUME', { infer: true });
    this.autostart = config.get('SIM_AUTOSTART', { infer: true });
  }

  /** Runs left unfinished by the last process carry on (SIM_RESUME); else, or when none was continuous, SIM_AUTOSTART starts one. */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = this.resume ? await this.runs.findUnfinished() : [];
    // Idempotent by run id: replicas restarting together queue each run once. A run the queue cannot
    // take now (Redis away) stays unfinished, and is queued again at the next start.
    for (const run of unfinished) {
      if (run.kind !== 'continuous') await this.batches.enqueue(run.id).catch((e: Error) => this.logger.warn(`run ${run.id} not queued: ${e.message}`));
    }
    const reopened = await this.continuous.reopen(unfinished);
    if (!reopened && this.autostart) await this.continuous.start();
  }

  status(): ContinuousStatus {
    return this.continuous.status();
  }

  start(): Promise<ContinuousStatus> {
    return this.continuous.start();
  }

  stop(): Promise<ContinuousStatus> {
    return this.continuous.stop();
  }

  pause(): Promise<ContinuousStatus> {
    return this.continuous.pause();
  }

  resumeContinuous(): Promise<ContinuousStatus> {
    return this.continuous.resume();
  }

  /** A batch experiment or a trace replay, stored and queued. */
  create(request: RunRequest): Promise<CreatedRun> {
    return request.kind === 'batch'
      ? this.batches.createBatch(request.name, request.tasks, request.options)
      : this.batches.createTrace(request.name, request.trace, request.options);
  }

  /** Removes a run and every row of it, stopping it first if it is executing (404 when there is none). */
  async delete(id: number): Promise<void> {
    if (this.continuous.runId === id) await this.continuous.stop();
    await this.batches.cancel(id);
    const deleted = await this.runs.delete(id);
    if (deleted) await this.events.dataChanged({ runId: id, change: 'deleted', kind: null });
    this.batches.resumeQueue();
    if (!deleted) throw new NotFound('run', id);
  }

  /**
   * Clears every run and all of its rows: the continuous run stops, batch runs are cancelled, every
   * table is emptied, and a fresh continuous run starts when one was running. Concurrent clears
   * share one: a second would only stop the fresh run the first started.
   */
  clearAll(): Promise<void> {
    this.clearing ??= this.clearEverything().finally(() => (this.clearing = null));
    return this.clearing;
  }

  private async clearEverything(): Promise<void> {
    const wasRunning = this.continuous.status().isRunning;
    await this.continuous.stop();
    await this.batches.cancelAll();
    const ids = await this.runs.deleteAll();
    // Run ids are never reused, but the old runs' cached reads must not outlive their rows.
    await Promise.all(ids.map((runId) => this.events.dataChanged({ runId, change: 'deleted', kind: null })));
    if (wasRunning) await this.continuous.start();
  }
}
