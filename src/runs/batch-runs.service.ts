import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { resolveEngineConfig, strategyDefinition, type DeepPartial, type EngineConfig, type SimulationEngine, type Task } from '../engine/index.js';
import { IngestRepository } from '../ingest/ingest.repository.js';
import { RunFactory, type RunOptions, type StoredRunConfig } from './execution/run-factory.js';
import { RunQueue } from './queue/run-queue.js';
import { RunEvents } from './run-events.js';
import { RunsRepository } from './runs.repository.js';
import type { RunStatus } from './simulation-run.entity.js';

// What a run is stored with: its engine config, and its metrics window when it sets one.
const stored = (engine: DeepPartial<EngineConfig>, options: RunOptions): StoredRunConfig & Record<string, unknown> => ({
  engine,
  ...(options.windowSize !== undefined ? { windowSize: options.windowSize } : {}),
});

export interface CreatedRun {
  id: number;
  status: RunStatus;
}

/**
 * Batch experiments and trace replays: stored at once (202), then executed from the run queue
 * (queue/): BullMQ jobs any worker replica takes when REDIS_URL is set, else this process's own
 * queue. RunLifecycle re-queues the unfinished ones after a restart; they resume from their last checkpoint.
 */
@Injectable()
export class BatchRunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly runs: RunsRepository,
    private readonly ingest: IngestRepository,
    private readonly factory: RunFactory,
    private readonly events: RunEvents,
    private readonly queue: RunQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.start();
  }

  /** Readiness goes first; then the executing runs' buffers are written so nothing acknowledged is lost. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  async createBatch(name: string | undefined, tasks: number, options: RunOptions): Promise<CreatedRun> {
    const config = this.validated('batch', options);
    const id = await this.runs.create({ name: name ?? `batch of ${tasks} (seed ${options.seed})`, kind: 'batch', status: 'queued', seed: options.seed, config: stored(config, options), tasksTotal: tasks });
    await this.events.dataChanged({ runId: id, change: 'created', kind: 'batch' });
    await this.enqueue(id);
    return { id, status: 'queued' };
  }

  async createTrace(name: string | undefined, trace: Task[], options: RunOptions): Promise<CreatedRun> {
    const config = this.validated('trace', options);
    const id = await this.runs.create({ name: name ?? `trace of ${trace.length} tasks (seed ${options.seed})`, kind: 'trace', status: 'queued', seed: options.seed, config: stored(config, options), tasksTotal: trace.length });
    try {
      await this.ingest.insertTraceTasks(id, trace);
    } catch (e) {
      await this.runs.delete(id).catch(() => undefined);
      throw e;
    }
    await this.events.dataChanged({ runId: id, change: 'created', kind: 'trace' });
    await this.enqueue(id);
    return { id, status: 'queued' };
  }

  /** Queues a stored run for execution (a new one, or an unfinished one after a restart); queueing it twice is a no-op. */
  enqueue(id: number): Promise<void> {
    return this.queue.enqueue(id);
  }

  /** Takes a run out of the queue, and stops it when this process executes it (its buffers are written first). */
  cancel(id: number): Promise<void> {
    return this.queue.cancel(id);
  }

  /** Stops the runs this process executes and forgets every queued one. */
  cancelAll(): Promise<void> {
    return this.queue.cancelAll();
  }

  /** After a deletion: the queue goes on with the next run. */
  resumeQueue(): void {
    this.queue.resumeQueue();
  }

  /** The engine of run `id` when this process executes it (for live progress). */
  executing(id: number): SimulationEngine | null {
    return this.queue.executing(id);
  }

  /** Throws what creating a run with `options` would throw (400s), storing nothing. */
  check(kind: 'batch' | 'trace', options: RunOptions): void {
    this.validated(kind, options);
  }

  private validated(kind: 'batch' | 'trace', options: RunOptions) {
    const config = this.factory.engineConfig(kind, options);
    // Throws the engine's own errors (400 with their codes) before anything is stored.
    resolveEngineConfig(config).strategies.forEach(strategyDefinition);
    return config;
  }
}
