import { jest } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { RUN_DATA_CHANGED, type RunDataChanged } from './run-events.js';
import { RunScope } from './run-scope.service.js';
import type { RunsRepository } from './runs.repository.js';

/** A RunScope over a fake repository whose look-ups the test answers, on a clock the test moves. */
function harness() {
  const clock = { now: 1_000 };
  const pending: ((id: number | undefined) => void)[] = [];
  const runs = {
    latestContinuousId: jest.fn(() => new Promise<number | undefined>((resolve) => pending.push(resolve))),
    exists: jest.fn(async (id: number) => id === 1),
  };
  const emitter = new EventEmitter2();
  const scope = new RunScope(runs as unknown as RunsRepository, emitter);
  scope.clock = () => clock.now;
  scope.onModuleInit();
  const answer = (id: number | undefined) => pending.shift()!(id);
  const publish = (event: RunDataChanged) => emitter.emitAsync(RUN_DATA_CHANGED, event);
  return { scope, runs, clock, answer, publish };
}

describe('RunScope (the continuous-run memo)', () => {
  it('answers a named run as given, and the continuous run by one shared look-up', async () => {
    const { scope, runs, answer } = harness();
    await expect(scope.resolve(5)).resolves.toBe(5);
    const reads = [scope.resolve(undefined), scope.resolve(undefined), scope.resolve(undefined)];
    answer(3);
    await expect(Promise.all(reads)).resolves.toEqual([3, 3, 3]);
    expect(runs.latestContinuousId).toHaveBeenCalledTimes(1);
  });

  it('trusts the found id for 100 ms, then asks again', async () => {
    const { scope, runs, clock, answer } = harness();
    const first = scope.resolve(undefined);
    answer(3);
    await first;
    clock.now += 99;
    expect(scope.peekContinuous()).toBe(3);
    await expect(scope.resolve(undefined)).resolves.toBe(3);
    expect(runs.latestContinuousId).toHaveBeenCalledTimes(1);
    clock.now += 1;
    expect(scope.peekContinuous()).toBeUndefined();
    const again = scope.resolve(undefined);
    answer(4);
    await expect(again).resolves.toBe(4);
    expect(runs.latestContinuousId).toHaveBeenCalledTimes(2);
  });

  it('is a 404 while there is no continuous run, and does not remember "none"', async () => {
    const { scope, runs, answer } = harness();
    const none = scope.resolve(undefined);
    answer(undefined);
    await expect(none).rejects.toMatchObject({ status: 404 });
    const next = scope.resolve(undefined);
    answer(2);
    await expect(next).resolves.toBe(2);
    expect(runs.latestContinuousId).toHaveBeenCalledTimes(2);
  });

  it.each<[RunDataChanged, boolean]>([
    [{ runId: 9, change: 'created', kind: 'continuous' }, true],
    [{ runId: 9, change: 'deleted', kind: null }, true],
    [{ runId: 9, change: 'created', kind: 'batch' }, false],
    [{ runId: 9, change: 'written', kind: null }, false],
  ])('on %j forgets the memo: %s', async (event, forgets) => {
    const { scope, answer, publish } = harness();
    const first = scope.resolve(undefined);
    answer(3);
    await first;
    await publish(event);
    expect(scope.peekContinuous()).toBe(forgets ? undefined : 3);
  });

  it('does not keep the answer of a look-up that began before the memo was forgotten', async () => {
    const { scope, answer, publish } = harness();
    const stale = scope.resolve(undefined);
    await publish({ runId: 4, change: 'created', kind: 'continuous' });
    const fresh = scope.resolve(undefined);
    answer(3); // the look-up from before the new run
    answer(4);
    await expect(stale).resolves.toBe(3);
    await expect(fresh).resolves.toBe(4);
    expect(scope.peekContinuous()).toBe(4);
  });

  it('checks that a named run exists', async () => {
    const { scope } = harness();
    await expect(scope.assertExists(1)).resolves.toBeUndefined();
    await expect(scope.assertExists(2)).rejects.toMatchObject({ status: 404 });
  });
});
