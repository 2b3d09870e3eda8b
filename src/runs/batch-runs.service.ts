import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { resolveEngineConfig, strategyDefinition, type SimulationEngine, type Task } from '../engine/index.js';
import { IngestRepository } from '../ingest/ingest.repository.js';
import { FencedError } from './execution/fence.js';
import type { RunExecution } from './execution/run-execution.js';
import { RunFactory, type RunOptions } from './execution/run-factory.js';
import { finishedSummary } from './execution/run-summary.js';
import { RunEvents } from './run-events.js';
import { RunsRepository } from './runs.repository.js';
import type { RunStatus } from './simulation-run.entity.js';

// Tasks stepped between yields to the event loop: 1–3 ms of work, so the API stays responsive
// while the run, its flushes and its fits keep both cores busy (GET /health p99 under 40 ms).
const CHUNK = 50;

export interface CreatedRun {
  id: number;
  status: RunStatus;
}

/**
 * Batch experiments and trace replays: stored at once (202), executed one at a time in the
 * background in small chunks. RunLifecycle re-queues the unfinished ones after a restart; they
 * resume from their last checkpoint.
 */
@Injectable()
export class BatchRunsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BatchRunsService.name);
  private readonly queue: number[] = [];
  private current: RunExecution | null = null;
  private worker: Promise<void> | null = null;
  private shuttingDown = false;

  constructor(
    private readonly runs: RunsRepository,
    private readonly ingest: IngestRepository,
    private readonly factory: RunFactory,
    private readonly events: RunEvents,
  ) {}

  /** Readiness goes first; then the current run's buffers are written so nothing acknowledged is lost. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.current?.cancel();
    await this.worker;
  }

  async createBatch(name: string | undefined, tasks: number, options: RunOptions): Promise<CreatedRun> {
    const config = this.validated('batch', options);
    const id = await this.runs.create({ name: name ?? `batch of ${tasks} (seed ${options.seed})`, kind: 'batch', status: 'queued', seed: options.seed, config: { engine: config }, tasksTotal: tasks });
    await this.events.dataChanged({ runId: id, change: 'created', kind: 'batch' });
    this.enqueue(id);
    return { id, status: 'queued' };
  }

  async createTrace(name: string | undefined, trace: Task[], options: RunOptions): Promise<CreatedRun> {
    const config = this.validated('trace', options);
    const id = await this.runs.create({ name: name ?? `trace of ${trace.length} tasks (seed ${options.seed})`, kind: 'trace', status: 'queued', seed: options.seed, config: { engine: config }, tasksTotal: trace.length });
    try {
      await this.ingest.insertTraceTasks(id, trace);
    } catch (e) {
      await this.runs.delete(id).catch(() => undefined);
      throw e;
    }
    await this.events.dataChanged({ runId: id, change: 'created', kind: 'trace' });
    this.enqueue(id);
    return { id, status: 'queued' };
  }

  /** Queues a stored run for execution (a new one, or an unfinished one after a restart). */
  enqueue(id: number): void {
    if (!this.queue.includes(id)) this.queue.push(id);
    this.kick();
  }

  /** Takes a run out of the queue, and stops it when it is executing (its buffers are written first). */
  async cancel(id: number): Promise<void> {
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (this.current?.runId === id) {
      this.current.cancel();
      await this.worker;
    }
  }

  /** Stops the executing run and forgets every queued one. */
  async cancelAll(): Promise<void> {
    this.queue.length = 0;
    this.current?.cancel();
    await this.worker;
  }

  /** After a deletion: the queue goes on with the next run. */
  resumeQueue(): void {
    if (!this.worker && this.queue.length > 0) this.kick();
  }

  /** The engine of the executing run, if it is this one (for live progress). */
  executing(id: number): SimulationEngine | null {
    return this.current?.runId === id ? this.current.engine : null;
  }

  private validated(kind: 'batch' | 'trace', options: RunOptions) {
    const config = this.factory.engineConfig(kind, options);
    // Throws the engine's own errors (400 with their codes) before anything is stored.
    resolveEngineConfig(config).strategies.forEach(strategyDefinition);
    return config;
  }

  private kick(): void {
    if (this.worker || this.shuttingDown) return;
    this.worker = this.drainQueue().finally(() => {
      this.worker = null;
      if (this.queue.length > 0 && !this.shuttingDown) this.kick();
    });
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0 && !this.shuttingDown) {
      const id = this.queue.shift() as number;
      await this.execute(id).catch(async (e: Error) => {
        if (e instanceof FencedError) {
          // Another process executes the run now: it is not failed, only no longer ours.
          this.logger.warn(e.message);
          return;
        }
        if (this.shuttingDown) {
          // Writes cut short by a shutdown (the database going away with it) are no failure of the
          // run: it stays running and resumes from its last commit at the next start.
          this.logger.warn(`run ${id} stopped by the shutdown before its last writes (${e.message}); it resumes from its last commit at the next start`);
          return;
        }
        this.logger.error(`run ${id} failed: ${e.message}`, e.stack);
        await this.runs.setStatus(id, 'failed', { error: e.message, finished: true }).catch(() => undefined);
      });
    }
  }

  private async execute(id: number): Promise<void> {
    const exec = await this.factory.open(id);
    this.current = exec;
    try {
      await this.runs.setStatus(id, 'running', { started: true });
      let cancelled = false;
      while (!exec.done) {
        if ((await exec.advance(CHUNK)) === 0) {
          cancelled = true;
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await exec.drain();
      if (!cancelled) await this.runs.setStatus(id, 'completed', { summary: await finishedSummary(this.ingest, id, exec.engine), finished: true });
    } finally {
      this.current = null;
    }
  }
}
