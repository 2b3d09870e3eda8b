import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { IngestRepository } from '../ingest/ingest.repository.js';
import { FencedError } from './execution/fence.js';
import type { LiveRun } from './execution/live-run.js';
import { RunFactory } from './execution/run-factory.js';
import { finalSummary, sketchedSummary } from './execution/run-summary.js';
import type { SteppingRun } from './execution/stepping-run.js';
import { RunEvents } from './run-events.js';
import { RunsRepository } from './runs.repository.js';
import type { RunKind, RunStatus } from './simulation-run.entity.js';

export interface ContinuousStatus {
  runId: number | null;
  isRunning: boolean;
  isPaused: boolean;
  /** Tasks of the run so far; after a restart, the stored progress while the run replays up to it. */
  tasksProcessed: number;
  tickMs: number;
  /** Set while writes to PostgreSQL fail; the run retries with backoff. */
  stalled: string | null;
}

/**
 * The open-ended run the dashboard watches: one task per SIM_TICK_MS, started by start (and by
 * RunLifecycle with the service when SIM_AUTOSTART); one exists at a time; stop ends it and start
 * begins a new one. It steps and paces itself in its own worker thread (SIM_WORKER_THREADS, the
 * default), or on this thread; either way its writes, fenced, are made here.
 */
@Injectable()
export class ContinuousRunService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ContinuousRunService.name);
  private readonly tickMs: number;
  private readonly seed: number;
  private exec: SteppingRun | null = null;
  private paused = false;
  private loop: Promise<void> | null = null;
  private shuttingDown = false;
  // The execution dropped when this replica lost the lead.
  private abandoned: SteppingRun | null = null;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly runs: RunsRepository,
    private readonly ingest: IngestRepository,
    private readonly factory: RunFactory,
    private readonly events: RunEvents,
  ) {
    this.tickMs = config.get('SIM_TICK_MS', { infer: true });
    this.seed = config.get('SIM_SEED', { infer: true });
  }

  /**
   * After a restart: the newest unfinished continuous run carries on where it was (paused or not);
   * an older one left behind is closed. Answers whether one was reopened.
   */
  async reopen(unfinished: readonly { id: number; kind: RunKind; status: RunStatus }[]): Promise<boolean> {
    const continuous = unfinished.filter((r) => r.kind === 'continuous');
    for (const stale of continuous.slice(0, -1)) await this.runs.setStatus(stale.id, 'stopped', { finished: true });
    const last = continuous.at(-1);
    if (!last) return false;
    await this.open(last.id, last.status === 'paused');
    const exec = this.exec;
    const replay = exec && exec.processed < exec.replayUntil ? ` (replaying from its checkpoint at task ${exec.processed})` : '';
    if (exec) this.logger.log(`continuous run ${last.id} resumed at task ${exec.replayUntil}${replay}`);
    return true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Write what is buffered once; a database that is away must not hold the shutdown up.
    this.shuttingDown = true;
    const exec = this.exec;
    exec?.cancel();
    await this.halt();
    await exec?.close();
  }

  status(): ContinuousStatus {
    return {
      runId: this.exec?.runId ?? null,
      isRunning: this.exec !== null && !this.paused,
      isPaused: this.exec !== null && this.paused,
      // A replay steps through tasks already counted: the counter never goes back.
      tasksProcessed: this.exec ? Math.max(this.exec.processed, this.exec.replayUntil) : 0,
      tickMs: this.tickMs,
      stalled: this.exec?.stalled ?? null,
    };
  }

  /** The id of the continuous run, when there is one. */
  get runId(): number | null {
    return this.exec?.runId ?? null;
  }

  /** The continuous run (paused or not) as other modules may read it live, when there is one. */
  get live(): LiveRun | null {
    return this.exec;
  }

  /** Starts a new continuous run; a no-op while one exists (resume a paused one with resume). */
  async start(): Promise<ContinuousStatus> {
    if (this.exec) return this.status();
    const config = this.factory.engineConfig('continuous', { seed: this.seed });
    const id = await this.runs.create({ name: `continuous (seed ${this.seed})`, kind: 'continuous', status: 'running', seed: this.seed, config: { engine: config }, tasksTotal: null });
    await this.runs.setStatus(id, 'running', { started: true });
    await this.events.dataChanged({ runId: id, change: 'created', kind: 'continuous' });
    await this.open(id, false);
    return this.status();
  }

  /**
   * Ends the continuous run: its buffers are written and it is marked stopped with its summary.
   * The summary's exact percentiles (percentile_cont over every stored result) take seconds on a run
   * of millions of tasks, so the stop answers with the sketched ones stored, named as such, and the
   * exact ones replace them when their query is done (`summarised` settles then).
   */
  async stop(): Promise<ContinuousStatus> {
    const exec = this.exec;
    if (!exec) return this.status();
    await this.halt();
    this.exec = null;
    this.paused = false;
    // Read before its worker thread ends; a worker that failed leaves the run without a summary.
    const final = await exec.summary().catch((e: Error) => {
      this.logger.warn(`continuous run ${exec.runId}: stopped without a summary (${e.message})`);
      return null;
    });
    await exec.close();
    await this.runs.setStatus(exec.runId, 'stopped', { ...(final ? { summary: sketchedSummary(final) } : {}), finished: true });
    if (final) {
      this.summarised = finalSummary(this.ingest, exec.runId, final)
        .then((summary) => this.runs.setSummary(exec.runId, summary))
        .catch((e: Error) => this.logger.warn(`continuous run ${exec.runId}: its summary keeps the sketched percentiles (${e.message})`));
    }
    return this.status();
  }

  /**
   * This replica no longer leads: the run stops here without a status change (the new leader
   * carries it on); what is buffered is written only while this execution still holds the run.
   */
  async abandon(): Promise<void> {
    const exec = this.exec;
    if (!exec) return;
    this.abandoned = exec;
    exec.cancel();
    await this.halt();
    if (this.exec === exec) this.exec = null;
    this.paused = false;
    await exec.close();
  }

  /** Settles once the last stopped run's exact percentiles are stored (or given up). */
  summarised: Promise<void> = Promise.resolve();

  async pause(): Promise<ContinuousStatus> {
    if (!this.exec || this.paused) return this.status();
    await this.halt();
    this.paused = true;
    await this.runs.setStatus(this.exec.runId, 'paused');
    return this.status();
  }

  async resume(): Promise<ContinuousStatus> {
    if (!this.exec || !this.paused) return this.status();
    this.paused = false;
    await this.runs.setStatus(this.exec.runId, 'running');
    this.run();
    return this.status();
  }

  private async open(runId: number, paused: boolean): Promise<void> {
    this.exec = await this.factory.openContinuous(runId, {
      update: (update) => this.events.task({ runId, update }),
      retrain: (info) => this.events.retrain({ runId, info }),
    });
    this.paused = paused;
    if (!paused) this.run();
  }

  private run(): void {
    const exec = this.exec;
    if (!exec || this.loop) return;
    this.loop = exec
      .loop(this.tickMs)
      .catch(async (e: Error) => {
        if (e instanceof FencedError) {
          // Another process writes the run now: it is not failed, only no longer ours.
          this.logger.warn(e.message);
          await this.drop(exec);
          return;
        }
        if (this.abandoned === exec) {
          // Another replica leads now and carries the run on: its last writes here are not needed.
          this.logger.warn(`continuous run ${exec.runId} stopped here without its last writes (${e.message}); the leader carries it on`);
          return;
        }
        if (this.shuttingDown) {
          // Writes cut short by a shutdown are no failure: the run resumes from its last commit at the next start.
          this.logger.warn(`continuous run ${exec.runId} stopped by the shutdown before its last writes (${e.message}); it resumes from its last commit at the next start`);
          return;
        }
        // A run that cannot go on says so: it is marked failed, and start begins a new one.
        this.logger.error(`continuous run ${exec.runId} failed: ${e.message}`, e.stack);
        await this.drop(exec);
        await this.runs.setStatus(exec.runId, 'failed', { error: e.message, finished: true }).catch(() => undefined);
      })
      .finally(() => {
        this.loop = null;
      });
  }

  /** `exec` is over here (fenced off, or failed): it is forgotten when still current, and closed. */
  private async drop(exec: SteppingRun): Promise<void> {
    if (this.exec === exec) this.exec = null;
    await exec.close();
  }

  /** Stops the loop after the current chunk and writes what is buffered. */
  private async halt(): Promise<void> {
    this.exec?.halt();
    await this.loop;
  }
}
