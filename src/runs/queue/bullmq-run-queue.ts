import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { SimulationEngine } from '../../engine/index.js';
import type { RunsRepository } from '../runs.repository.js';
import { bullConnection } from './bull-connection.js';
import { RUN_QUEUE_NAME, runJobId, runJobOptions, workerOptions } from './queue-settings.js';
import { RunQueue } from './run-queue.js';
import { hasWorkLeft, type JobOutcome, type RunJobs } from './run-jobs.js';

interface RunJobData {
  runId: number;
}

export interface BullRunQueueSettings {
  redisUrl: string;
  prefix: string;
  /** This replica takes jobs (SIM_WORKER). */
  worker: boolean;
  concurrency: number;
}

// A Redis call on an HTTP request's path (enqueue, cancel) gives up after this long.
const REDIS_CALL_TIMEOUT_MS = 5_000;
// Once the executing runs have written their buffers, a shutdown waits this long for Redis to take
// their jobs back and close; then it lets go of the connections.
const CLOSE_TIMEOUT_MS = 3_000;
const DISCONNECT_TIMEOUT_MS = 1_000;

/**
 * The run queue on BullMQ (Redis), shared by every replica: any replica enqueues; each replica with
 * SIM_WORKER=true takes up to SIM_WORKER_CONCURRENCY jobs at a time. A job is idempotent by run id
 * (jobId), resumes its run from the last checkpoint, and a job taken over from a dead worker fences
 * off the dead one's execution (RunFactory.open claims the run).
 */
export class BullRunQueue extends RunQueue {
  private readonly logger = new Logger(BullRunQueue.name);
  private readonly queue: Queue<RunJobData>;
  private worker: Worker<RunJobData, JobOutcome> | null = null;
  private readonly inFlight = new Map<number, Promise<unknown>>();
  private lastError: string | null = null;
  private closing = false;

  constructor(
    private readonly settings: BullRunQueueSettings,
    private readonly jobs: RunJobs,
    private readonly runs: RunsRepository,
  ) {
    super();
    this.queue = new Queue<RunJobData>(RUN_QUEUE_NAME, { connection: bullConnection(settings.redisUrl, 'producer'), prefix: settings.prefix });
    this.queue.on('error', (e) => this.redisError(e));
  }

  async enqueue(id: number): Promise<void> {
    await withTimeout(this.queue.add('run', { runId: id }, runJobOptions(id)), REDIS_CALL_TIMEOUT_MS, `queueing run ${id}`);
  }

  async cancel(id: number): Promise<void> {
    // A waiting job goes; an active one is locked by its worker and stays: if that is another
    // replica, the run's deletion fences its execution off at its next flush.
    const job = await withTimeout(this.queue.getJob(runJobId(id)), REDIS_CALL_TIMEOUT_MS, `finding run ${id}'s job`);
    await job?.remove().catch(() => undefined);
    if (this.jobs.cancel(id)) await this.inFlight.get(id);
  }

  async cancelAll(): Promise<void> {
    await withTimeout(this.queue.drain(true), REDIS_CALL_TIMEOUT_MS, 'emptying the run queue');
    this.jobs.cancelAll();
    await Promise.all(this.inFlight.values());
  }

  executing(id: number): SimulationEngine | null {
    return this.jobs.executing(id);
  }

  resumeQueue(): void {
    // Every worker takes the next job by itself.
  }

  start(): void {
    if (!this.settings.worker || this.worker) return;
    const name = `${hostname()}:${process.pid}`;
    this.worker = new Worker<RunJobData, JobOutcome>(RUN_QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: bullConnection(this.settings.redisUrl, 'worker'),
      prefix: this.settings.prefix,
      ...workerOptions(this.settings.concurrency, name),
    });
    this.worker.on('error', (e) => this.redisError(e));
    this.worker.on('ready', () => (this.lastError = null));
    // Only a job whose workers kept dying fails in BullMQ (the processor itself never throws): the run is failed too.
    this.worker.on('failed', (job, e) => void this.jobFailed(job, e));
    this.logger.log(`taking runs from queue ${this.settings.prefix}:${RUN_QUEUE_NAME}, ${this.settings.concurrency} at a time`);
  }

  async close(): Promise<void> {
    this.closing = true;
    // The executing runs write their buffers (PostgreSQL) and hand their jobs back (Redis).
    this.jobs.shutDown();
    await Promise.all(this.inFlight.values());
    const closing = (async () => {
      await this.worker?.close();
      await this.queue.close();
    })();
    await withTimeout(closing, CLOSE_TIMEOUT_MS, 'closing the run queue').catch(async (e: Error) => {
      // Redis is away: the jobs stay active in it, and their locks expire; another replica (or this
      // one, restarted) takes them over from their last checkpoint.
      this.logger.warn(e.message);
      const disconnecting = Promise.allSettled([this.worker?.disconnect(), this.queue.disconnect()]);
      await withTimeout(disconnecting, DISCONNECT_TIMEOUT_MS, 'disconnecting the run queue').catch((d: Error) => this.logger.warn(d.message));
    });
  }

  private async process(job: Job<RunJobData>, token?: string): Promise<JobOutcome> {
    const id = job.data.runId;
    const execution = this.jobs.run(id);
    this.inFlight.set(id, execution);
    let outcome: JobOutcome;
    try {
      outcome = await execution;
    } finally {
      this.inFlight.delete(id);
    }
    if (outcome === 'interrupted' && token) {
      // This process is shutting down: the job goes back to the queue at once, for another replica.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    return outcome;
  }

  private async jobFailed(job: Job<RunJobData> | undefined, e: Error): Promise<void> {
    // A job handed back by a shutdown that could not reach Redis is no failure of its run.
    if (!job || this.closing) return;
    const id = job.data.runId;
    this.logger.error(`run ${id}: its job failed (${e.message})`);
    const run = await this.runs.findById(id).catch(() => null);
    if (hasWorkLeft(run?.status)) await this.runs.setStatus(id, 'failed', { error: e.message, finished: true }).catch(() => undefined);
  }

  private redisError(e: Error): void {
    // Once per outage, not once per reconnection attempt.
    if (e.message === this.lastError) return;
    this.lastError = e.message;
    this.logger.warn(`run queue: ${e.message}`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
