import type { EntityManager } from 'typeorm';

/**
 * Checks, inside a flush's transaction and before the run's progress is written, that this process
 * still has the right to write the run (it is still the leader, or still owns the run's job).
 * Throws FencedError when it has not: the transaction rolls back and the execution stops.
 */
export type Fence = (m: EntityManager) => Promise<void>;

/** This process lost the right to write a run: nothing of the flush was committed, and the run is not retried here. */
export class FencedError extends Error {
  constructor(runId: number, why: string) {
    super(`run ${runId}: ${why}; this process stops executing it without writing`);
    this.name = 'FencedError';
  }
}
