import { Injectable, Logger } from '@nestjs/common';
import type { SimulationEngine } from '../../engine/index.js';
import { IngestRepository } from '../../ingest/ingest.repository.js';
import { FencedError } from '../execution/fence.js';
import { RunFactory } from '../execution/run-factory.js';
import { finalSummary } from '../execution/run-summary.js';
import type { SteppingRun } from '../execution/stepping-run.js';
import { RunsRepository } from '../runs.repository.js';
import { RunEvents } from '../run-events.js';
import type { RunStatus } from '../simulation-run.entity.js';

/** A run in one of these states has nothing left to execute: a job for it is skipped. */
const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'stopped'];

// How often an execution looks whether its run still exists. A run deleted from another replica is
// fenced off at its next flush, but a write outside the flush (a model being stored) would retry
// against the missing row until then; this stops it.
const DELETION_CHECK_MS = 2_000;

/**
 * How one execution of a run ended:
 * - completed: every task is written and the run is marked completed;
 * - cancelled: stopped by a delete or a clear (its buffers written);
 * - interrupted: stopped by this process shutting down; the run stays unfinished and carries on later;
 * - skipped: the run is gone or already finished (a job that ran twice, or a run deleted while queued);
 * - fenced: another execution claimed the run, or its row was deleted: nothing more was written here;
 * - failed: the run is marked failed.
 */
export type JobOutcome = 'completed' | 'cancelled' | 'interrupted' | 'skipped' | 'fenced' | 'failed';

/** Whether a job for a run in this state has work to do. */
export function hasWorkLeft(status: RunStatus | undefined): boolean {
  return status !== undefined && !FINISHED.includes(status);
}

/** Executes one batch run or trace replay from its checkpoint to the end; both run queues hand their jobs here. */
@Injectable()
export class RunJobs {
  private readonly logger = new Logger(RunJobs.name);
  private readonly executions = new Map<number, SteppingRun>();
  // Runs whose job is in progress here (opening, or executing), and those of them asked to stop.
  private readonly running = new Set<number>();
  private readonly stopping = new Set<number>();
  private readonly deleted = new Set<number>();
  private shuttingDown = false;

  constructor(
    private readonly runs: RunsRepository,
    private readonly ingest: IngestRepository,
    private readonly factory: RunFactory,
    private readonly events: RunEvents,
  ) {}

  /** Executes run `id`; never throws: every way it can end is an outcome. */
  async run(id: number): Promise<JobOutcome> {
    if (this.shuttingDown) return 'interrupted';
    this.running.add(id);
    try {
      const stored = await this.runs.findById(id);
      if (!hasWorkLeft(stored?.status)) {
        this.logger.log(`run ${id}: ${stored ? `already ${stored.status}` : 'deleted'}; nothing to execute`);
        return 'skipped';
      }
      return await this.execute(id);
    } catch (e) {
      return this.failure(id, e as Error);
    } finally {
      this.running.delete(id);
      this.stopping.delete(id);
      this.deleted.delete(id);
    }
  }

  /** Stops run `id` when this process executes it; its buffers are still written. */
  cancel(id: number): boolean {
    if (!this.running.has(id)) return false;
    this.stopping.add(id);
    this.executions.get(id)?.cancel();
    return true;
  }

  cancelAll(): void {
    for (const id of this.running) this.cancel(id);
  }

  /** The process is going away: executions stop after writing their buffers, and no new one starts. */
  shutDown(): void {
    this.shuttingDown = true;
    this.cancelAll();
  }

  /** The engine of run `id` when it steps on this thread; null when it is not executing here or steps in a worker thread. */
  executing(id: number): SimulationEngine | null {
    return this.executions.get(id)?.engine ?? null;
  }

  private async execute(id: number): Promise<JobOutcome> {
    let exec: SteppingRun;
    try {
      exec = await this.factory.openJob(id);
    } catch (e) {
      // Deleted between the look-up and the claim.
      if (!(await this.runs.exists(id))) return 'skipped';
      throw e;
    }
    this.logger.log(`run ${id}: executing (checkpoint at task ${exec.processed}, committed ${exec.replayUntil})`);
    this.executions.set(id, exec);
    // Asked to stop while it was opening.
    if (this.stopping.has(id) || this.shuttingDown) exec.cancel();
    const watch = setInterval(() => void this.stopIfDeleted(id, exec), DELETION_CHECK_MS);
    try {
      await this.runs.setStatus(id, 'running', { started: true });
      let cancelled = false;
      while (!exec.done) {
        if ((await exec.advance(exec.chunk)) === 0) {
          cancelled = true;
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await exec.drain();
      if (cancelled) return this.shuttingDown ? 'interrupted' : 'cancelled';
      await this.runs.setStatus(id, 'completed', { summary: await finalSummary(this.ingest, id, await exec.summary()), finished: true });
      // The summary carries the scheduling metrics the leaderboard shows: reads cached before it are stale.
      await this.events.dataChanged({ runId: id, change: 'written', kind: null });
      return 'completed';
    } finally {
      clearInterval(watch);
      if (this.executions.get(id) === exec) this.executions.delete(id);
      await exec.close();
    }
  }

  private async stopIfDeleted(id: number, exec: SteppingRun): Promise<void> {
    if (await this.runs.exists(id).catch(() => true)) return;
    this.deleted.add(id);
    exec.cancel();
  }

  private async failure(id: number, e: Error): Promise<JobOutcome> {
    if (this.deleted.has(id) || !(await this.runs.exists(id).catch(() => true))) {
      // Deleted (from another replica) while it executed here: nothing of it is left to fail.
      this.logger.warn(`run ${id}: deleted while executing here (${e.message}); stopped`);
      return 'fenced';
    }
    if (e instanceof FencedError) {
      // Another process executes the run now, or it was deleted: it is not failed, only no longer ours.
      this.logger.warn(e.message);
      return 'fenced';
    }
    if (this.shuttingDown) {
      // Writes cut short by a shutdown (the database going away with it) are no failure of the
      // run: it stays running and resumes from its last commit.
      this.logger.warn(`run ${id} stopped by the shutdown before its last writes (${e.message}); it resumes from its last commit`);
      return 'interrupted';
    }
    this.logger.error(`run ${id} failed: ${e.message}`, e.stack);
    await this.runs.setStatus(id, 'failed', { error: e.message, finished: true }).catch(() => undefined);
    return 'failed';
  }
}
