import { FAST_CHUNK, PacedLoop } from './paced-loop.js';
import type { RunExecution } from './run-execution.js';

/** A stand-in execution recording what the loop asks of it; `onAdvance` runs after each advance. */
function fakeExecution(replayUntil = 0, onAdvance?: (asked: number) => void) {
  const calls: string[] = [];
  const exec = {
    processed: 0,
    replayUntil,
    get replaying() {
      return this.processed < this.replayUntil;
    },
    async advance(n: number) {
      calls.push(`advance ${n}`);
      this.processed += n;
      onAdvance?.(n);
      return n;
    },
    async flushIfDue() {
      calls.push('flushIfDue');
    },
    async drain() {
      calls.push('drain');
    },
  };
  return { exec, calls, asExecution: exec as unknown as RunExecution };
}

describe('PacedLoop', () => {
  it('steps one task per tick, and a halt during a tick ends the wait at once and drains', async () => {
    // A tick of an hour: the test finishes only if the halt wakes the loop.
    const { calls, asExecution } = fakeExecution(0, () => setImmediate(() => loop.halt()));
    const loop = new PacedLoop(asExecution, 3_600_000);

    await loop.run();

    expect(calls).toEqual(['advance 1', 'flushIfDue', 'drain']);
  });

  it('goes in chunks as fast as it can at tick 0, and replays in chunks up to the stored progress first', async () => {
    const { exec, calls, asExecution } = fakeExecution(FAST_CHUNK + 30, () => {
      if (exec.processed > FAST_CHUNK + 30) loop.halt();
    });
    // At a paced tick, the replay still goes at full speed: no hour-long wait between its chunks.
    const loop = new PacedLoop(asExecution, 3_600_000);
    const afterChunk: number[] = [];

    await loop.run(() => afterChunk.push(exec.processed));

    // The replay: a full chunk, then the rest of it; then one task per tick (halted after it).
    expect(calls.filter((c) => c.startsWith('advance'))).toEqual([`advance ${FAST_CHUNK}`, 'advance 30', 'advance 1']);
    expect(afterChunk).toEqual([FAST_CHUNK, FAST_CHUNK + 30, FAST_CHUNK + 31]);
    expect(calls.at(-1)).toBe('drain');

    const fast = fakeExecution(0, () => {
      if (fast.exec.processed >= 3 * FAST_CHUNK) fastLoop.halt();
    });
    const fastLoop = new PacedLoop(fast.asExecution, 0);
    await fastLoop.run();
    expect(fast.calls.filter((c) => c.startsWith('advance'))).toEqual([`advance ${FAST_CHUNK}`, `advance ${FAST_CHUNK}`, `advance ${FAST_CHUNK}`]);
  });
});
