import type { SimulationEngine } from '../../engine/index.js';

/**
 * Where batch runs and trace replays wait and which process executes them. Two engines, chosen at
 * start-up (see run-queue.provider.ts): BullMQ on Redis, shared by every replica, when REDIS_URL is set;
 * else this process's own queue. RunLifecycle decides, through BatchRunsService; a queue only executes.
 */
export abstract class RunQueue {
  /** Queues a stored run for execution; a run already queued (or executing) is not queued twice. */
  abstract enqueue(id: number): Promise<void>;
  /** Takes a run out of the queue, and stops it when this process executes it (its buffers are written first). */
  abstract cancel(id: number): Promise<void>;
  /** Forgets every queued run and stops the ones this process executes. */
  abstract cancelAll(): Promise<void>;
  /** The engine of a run this process executes now (for live progress). */
  abstract executing(id: number): SimulationEngine | null;
  /** After a deletion: the queue goes on with the next run. */
  abstract resumeQueue(): void;
  /** Starts taking runs (once the app is initialised: subscribers of run events are in place). */
  abstract start(): void;
  /** Stops taking runs; the executing ones write their buffers and carry on later, here or on another replica. */
  abstract close(): Promise<void>;
}
