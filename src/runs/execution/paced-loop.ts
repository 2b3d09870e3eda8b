import type { RunExecution } from './run-execution.js';

// With SIM_TICK_MS=0, and while a reopened run replays to where it was, the run goes as fast as it
// can, this many tasks between two looks at the event loop (for a halt, a placement, a flush's reply).
export const FAST_CHUNK = 200;

/**
 * The continuous run's pace: one task per tick (SIM_TICK_MS), or chunks of FAST_CHUNK as fast as
 * it can at tick 0 and while a reopened run replays up to its stored progress. The same loop runs
 * on the main thread (SIM_WORKER_THREADS=false) and in the run's worker thread.
 */
export class PacedLoop {
  private halted = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly exec: RunExecution,
    private readonly tickMs: number,
  ) {}

  /** Steps until halt, then writes what is buffered; `afterChunk` runs after each chunk (or tick). */
  async run(afterChunk?: () => void): Promise<void> {
    const exec = this.exec;
    while (!this.halted) {
      const fast = this.tickMs === 0 || exec.replaying;
      await exec.advance(exec.replaying ? Math.min(FAST_CHUNK, exec.replayUntil - exec.processed) : fast ? FAST_CHUNK : 1);
      await exec.flushIfDue();
      afterChunk?.();
      if (this.halted) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = fast ? null : setTimeout(resolve, this.tickMs);
        if (fast) setImmediate(resolve);
      });
      this.wake = null;
    }
    await exec.drain();
  }

  /** Stops the loop after the current task (run settles once the buffers are written). */
  halt(): void {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
  }
}
