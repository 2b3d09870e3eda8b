import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RunCacheService } from '../cache/run-cache.service.js';
import { NotFound } from '../common/app-errors.js';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { resolveEngineConfig, strategyDefinition, type SimulationEngine, type Task } from '../engine/index.js';
import type { RunStatus } from './simulation-run.entity.js';
import type { RunExecution } from './execution/run-execution.js';
import { RunFactory, type RunOptions } from './execution/run-factory.js';
import { RunStoreRepository } from '../ingest/ingest.repository.js';
import { finishedSummary } from './execution/run-summary.js';

// Tasks stepped between yields to the event loop: 1–3 ms of work, so the API stays responsive
// while the run, its flushes and its fits keep both cores busy (GET /health p99 under 40 ms).
const CHUNK = 50;

export interface CreatedRun {
  id: number;
  status: RunStatus;
}

/**
 * Batch experiments and trace replays: stored at once (202), executed one at a time in the
 * background in small chunks, resumed after a restart from their last checkpoint.
 */
@Injectable()
export class RunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunsService.name);
  private readonly queue: number[] = [];
  private current: RunExecution | null = null;
  private worker: Promise<void> | null = null;
  private shuttingDown = false;

  private readonly resume: boolean;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly store: RunStoreRepository,
    private readonly factory: RunFactory,
    private readonly cache: RunCacheService,
  ) {
    this.resume = config.get('SIM_RESUME', { infer: true });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.resume) return;
    for (const run of await this.store.findUnfinished()) {
      if (run.kind !== 'continuous') this.enqueue(run.id);
    }
  }

  /** Readiness goes first; then the current run's buffers are written so nothing acknowledged is lost. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.current?.cancel();
    await this.worker;
  }

  async createBatch(name: string | undefined, tasks: number, options: RunOptions): Promise<CreatedRun> {
    const config = this.validated('batch', options);
    const id = await this.store.createRun({ name: name ?? `batch of ${tasks} (seed ${options.seed})`, kind: 'batch', status: 'queued', seed: options.seed, config: { engine: config }, tasksTotal: tasks });
    this.enqueue(id);
    return { id, status: 'queued' };
  }

  async createTrace(name: string | undefined, trace: Task[], options: RunOptions): Promise<CreatedRun> {
    const config = this.validated('trace', options);
    const id = await this.store.createRun({ name: name ?? `trace of ${trace.length} tasks (seed ${options.seed})`, kind: 'trace', status: 'queued', seed: options.seed, config: { engine: config }, tasksTotal: trace.length });
    try {
      await this.store.insertTraceTasks(id, trace);
    } catch (e) {
      await this.store.deleteRun(id).catch(() => undefined);
      throw e;
    }
    this.enqueue(id);
    return { id, status: 'queued' };
  }

  /** Removes a run and every row of it, stopping it first if it is executing. */
  async delete(id: number): Promise<void> {
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (this.current?.runId === id) {
      this.current.cancel();
      await this.worker;
    }
    if (!(await this.store.deleteRun(id))) throw new NotFound('run', id);
    // Its cached reads go with it: the next read of the run is a 404.
    await this.cache.invalidateRun(id);
    if (!this.worker && this.queue.length > 0) this.kick();
  }

  /** Stops everything and forgets every queued run (DELETE /api/history). */
  async cancelAll(): Promise<void> {
    this.queue.length = 0;
    this.current?.cancel();
    await this.worker;
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

  private enqueue(id: number): void {
    if (!this.queue.includes(id)) this.queue.push(id);
    this.kick();
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
        if (this.shuttingDown) {
          // Writes cut short by a shutdown (the database going away with it) are no failure of the
          // run: it stays running and resumes from its last commit at the next start.
          this.logger.warn(`run ${id} stopped by the shutdown before its last writes (${e.message}); it resumes from its last commit at the next start`);
          return;
        }
        this.logger.error(`run ${id} failed: ${e.message}`, e.stack);
        await this.store.setStatus(id, 'failed', { error: e.message, finished: true }).catch(() => undefined);
      });
    }
  }

  private async execute(id: number): Promise<void> {
    const exec = await this.factory.open(id);
    this.current = exec;
    try {
      await this.store.setStatus(id, 'running', { started: true });
      let cancelled = false;
      while (!exec.done) {
        if ((await exec.advance(CHUNK)) === 0) {
          cancelled = true;
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await exec.drain();
      if (!cancelled) await this.store.setStatus(id, 'completed', { summary: await finishedSummary(this.store, id, exec.engine), finished: true });
    } finally {
      this.current = null;
    }
  }
}
