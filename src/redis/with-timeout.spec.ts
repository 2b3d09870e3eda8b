import { jest } from '@jest/globals';
import { TimeoutError, withTimeout } from './with-timeout.js';

describe(withTimeout.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles as the promise does when it settles in time, and leaves no timer behind', async () => {
    const sut = withTimeout(Promise.resolve('pong'), 200, 'Redis');
    await expect(sut).resolves.toBe('pong');
    expect(jest.getTimerCount()).toBe(0);
    await expect(withTimeout(Promise.reject(new Error('refused')), 200, 'Redis')).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with a TimeoutError naming what did not answer, exactly at the bound', async () => {
    let settled = false;
    const sut = withTimeout(new Promise<never>(() => undefined), 200, 'Redis').finally(() => (settled = true));
    sut.catch(() => undefined);
    await jest.advanceTimersByTimeAsync(199);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(sut).rejects.toThrow(new TimeoutError('Redis did not answer within 200 ms'));
    await expect(sut).rejects.toBeInstanceOf(TimeoutError);
  });
});
