/** What withTimeout rejects with when the promise has not settled in time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Settles as promise does, or rejects with a TimeoutError after ms. The one bound on a call to
 * Redis or PostgreSQL that must not hold a request or a probe.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // Promise.race handles the promise: if it loses and fails later, nothing surfaces as unhandled.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
