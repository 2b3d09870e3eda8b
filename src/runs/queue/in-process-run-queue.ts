import type { SimulationEngine } from '../../engine/index.js';
import { RunQueue } from './run-queue.js';
import type { RunJobs } from './run-jobs.js';

/**
 * The queue without Redis (the embedded Quick start): this process's own list, executed in order,
 * `concurrency` runs at a time. After a restart RunLifecycle queues the unfinished runs again.
 */
export class InProcessRunQueue extends RunQueue {
  private readonly waiting: number[] = [];
  private readonly active = new Map<number, Promise<void>>();
  private started = false;
  private closed = false;

  constructor(
    private readonly jobs: RunJobs,
    private readonly concurrency: number,
  ) {
    super();
  }

  enqueue(id: number): Promise<void> {
    if (!this.waiting.includes(id) && !this.active.has(id)) this.waiting.push(id);
    this.kick();
    return Promise.resolve();
  }

  async cancel(id: number): Promise<void> {
    const queued = this.waiting.indexOf(id);
    if (queued >= 0) this.waiting.splice(queued, 1);
    if (this.jobs.cancel(id)) await this.active.get(id);
  }

  async cancelAll(): Promise<void> {
    this.waiting.length = 0;
    this.jobs.cancelAll();
    await Promise.all(this.active.values());
  }

  executing(id: number): SimulationEngine | null {
    return this.jobs.executing(id);
  }

  resumeQueue(): void {
    this.kick();
  }

  start(): void {
    this.started = true;
    this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.jobs.shutDown();
    await Promise.all(this.active.values());
  }

  private kick(): void {
    if (!this.started || this.closed) return;
    while (this.active.size < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift() as number;
      const job = this.jobs.run(id).then(() => {
        this.active.delete(id);
        this.kick();
      });
      this.active.set(id, job);
    }
  }
}
