import type { JobsOptions, WorkerOptions } from 'bullmq';

/** The run queue's name inside its prefix. */
export const RUN_QUEUE_NAME = 'runs';

/**
 * How fast a dead worker's job moves on (docs/decisions/050-run-queue-bullmq.md). A worker renews the
 * lock of each job it executes every LOCK_DURATION_MS / 2; a worker killed with -9 stops renewing, its
 * lock expires 5–10 s later, and the next stalled check (every STALLED_INTERVAL_MS, by any live worker)
 * puts the job back in the queue: another replica takes it 5–15 s after the kill.
 */
export const LOCK_DURATION_MS = 10_000;
export const STALLED_INTERVAL_MS = 5_000;
/** A job whose worker died this many times is failed (a run that kills its process must not loop forever). */
export const MAX_STALLED_COUNT = 3;

/** The job of run `runId`: one id per run, so queueing it again while it exists adds nothing. */
export function runJobId(runId: number): string {
  // BullMQ refuses integer-looking ids and ':' in custom ids.
  return `run-${runId}`;
}

/**
 * The queue's key prefix: SIM_QUEUE_PREFIX, else one derived from the database name, so replicas on
 * one database share the queue and a deployment (or a test) on another database never takes its jobs.
 */
export function queuePrefix(configured: string, databaseUrl: string): string {
  if (configured) return configured;
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres';
  return `hms-${database.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** The worker's options, but its connection. */
export function workerOptions(concurrency: number, name: string): Omit<WorkerOptions, 'connection'> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`worker concurrency must be a positive integer, not ${concurrency}`);
  return {
    name,
    concurrency,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
  };
}

/** A run's job: its id derived from the run's; once finished it is removed (the database keeps every run's outcome, Redis only what is still to do). */
export function runJobOptions(runId: number): JobsOptions {
  return { jobId: runJobId(runId), removeOnComplete: true, removeOnFail: true };
}
