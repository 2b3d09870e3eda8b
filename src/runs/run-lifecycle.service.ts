import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NotFound } from '../common/app-errors.js';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { BatchRunsService, type CreatedRun } from './batch-runs.service.js';
import { ContinuousRunService, type ContinuousStatus } from './continuous-run.service.js';
import type { RunRequest } from './dto/run-request.js';
import { Leadership, type ContinuousCommand } from './leadership/leadership.service.js';
import { RunEvents } from './run-events.js';
import { RunsRepository } from './runs.repository.js';

/**
 * Every change to a run's life, in one place: create, start, pause, resume, stop, delete, clear
 * all, carrying on after a restart, and leadership. The continuous run and the queue of batch
 * runs execute; this decides. Controllers and the legacy API call it, never the executors' stores.
 *
 * With several replicas on one database, one leads the continuous run (Leadership): only it
 * simulates it, a command sent to another replica is carried out by the leader, and when the
 * leader dies another takes the run over from its checkpoint.
 */
@Injectable()
export class RunLifecycle implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunLifecycle.name);
  private readonly resume: boolean;
  private readonly autostart: boolean;
  private readonly tickMs: number;
  private clearing: Promise<void> | null = null;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly runs: RunsRepository,
    private readonly continuous: ContinuousRunService,
    private readonly batches: BatchRunsService,
    private readonly events: RunEvents,
    private readonly leadership: Leadership,
  ) {
    this.resume = config.get('SIM_RESUME', { infer: true });
    this.autostart = config.get('SIM_AUTOSTART', { infer: true });
    this.tickMs = config.get('SIM_TICK_MS', { infer: true });
  }

  /**
   * Runs left unfinished by the last process carry on (SIM_RESUME): batch runs here, the
   * continuous run on the leader; when none was continuous, SIM_AUTOSTART has the leader start one.
   */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = this.resume ? await this.runs.findUnfinished() : [];
    // Idempotent by run id: replicas restarting together queue each run once. A run the queue cannot
    // take now (Redis away) stays unfinished, and is queued again at the next start.
    for (const run of unfinished) {
      if (run.kind !== 'continuous') await this.batches.enqueue(run.id).catch((e: Error) => this.logger.warn(`run ${run.id} not queued: ${e.message}`));
    }
    const leading = await this.leadership.begin({
      // A replica that takes over carries the run on where the last commit left it.
      elected: async () => void (await this.continuous.reopen(await this.runs.findUnfinished())),
      deposed: () => this.continuous.abandon(),
      command: (command) => this.carryOut(command),
    });
    if (!leading) return;
    const reopened = await this.continuous.reopen(unfinished);
    if (!reopened && this.autostart) await this.continuous.start();
  }

  /** The continuous run: the leader's own view; on another replica, its committed state. */
  async status(): Promise<ContinuousStatus> {
    if (this.leadership.isLeader) return this.continuous.status();
    const run = await this.runs.latestContinuous();
    const open = run !== undefined && (run.status === 'running' || run.status === 'paused');
    return {
      runId: open ? run.id : null,
      isRunning: open && run.status === 'running',
      isPaused: open && run.status === 'paused',
      tasksProcessed: open ? run.tasksProcessed : 0,
      tickMs: this.tickMs,
      stalled: null,
    };
  }

  start(): Promise<ContinuousStatus> {
    return this.command('start');
  }

  stop(): Promise<ContinuousStatus> {
    return this.command('stop');
  }

  pause(): Promise<ContinuousStatus> {
    return this.command('pause');
  }

  resumeContinuous(): Promise<ContinuousStatus> {
    return this.command('resume');
  }

  /** Carried out here when this replica leads, else by the leader. */
  private async command(command: ContinuousCommand): Promise<ContinuousStatus> {
    if (this.leadership.isLeader) return this.carryOut(command);
    return (await this.leadership.ask(command)) as ContinuousStatus;
  }

  private carryOut(command: ContinuousCommand): Promise<ContinuousStatus> {
    if (command === 'start') return this.continuous.start();
    if (command === 'stop') return this.continuous.stop();
    if (command === 'pause') return this.continuous.pause();
    return this.continuous.resume();
  }

  /** A batch experiment or a trace replay, stored and queued. */
  create(request: RunRequest): Promise<CreatedRun> {
    return request.kind === 'batch'
      ? this.batches.createBatch(request.name, request.tasks, request.options)
      : this.batches.createTrace(request.name, request.trace, request.options);
  }

  /** Throws what create would throw for `request` (its engine settings checked), storing and queueing nothing. */
  check(request: RunRequest): void {
    this.batches.check(request.kind, request.options);
  }

  /** Removes a run and every row of it, stopping it first if it is executing (404 when there is none). */
  async delete(id: number): Promise<void> {
    // On another replica, the continuous run's execution is fenced off when its row goes.
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
    const wasRunning = (await this.status()).isRunning;
    await this.stop();
    await this.batches.cancelAll();
    const ids = await this.runs.deleteAll();
    // Run ids are never reused, but the old runs' cached reads must not outlive their rows.
    await Promise.all(ids.map((runId) => this.events.dataChanged({ runId, change: 'deleted', kind: null })));
    if (wasRunning) await this.start();
  }
}
