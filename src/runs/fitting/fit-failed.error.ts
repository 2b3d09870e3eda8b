/** The code a failed fit carries, also across threads (wire-error keeps `code`, not the class). */
export const FIT_FAILED = 'RUN.FIT_FAILED';

/**
 * The forest-fit thread failed to fit a retrain's rows. Unlike a failed read of the rows (the
 * database is away), it would fail again: the run does not retry it, it fails.
 */
export class FitFailedError extends Error {
  readonly code = FIT_FAILED;

  constructor(runId: number, cause: unknown) {
    super(`run ${runId}: fitting its model failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'FitFailedError';
  }
}

/** True for a FitFailedError, here or rebuilt from another thread. */
export function isFitFailure(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === FIT_FAILED;
}
