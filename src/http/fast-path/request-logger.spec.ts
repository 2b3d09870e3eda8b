import { jest } from '@jest/globals';
import { pino, type Logger } from 'pino';
import { requestLogger } from './request-logger.js';

function capture(level: string): { root: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const root = pino({ level, base: null, timestamp: false }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { root, lines };
}

describe('requestLogger', () => {
  it('makes no child for a request that writes nothing at an enabled level', () => {
    const { root, lines } = capture('warn');
    const child = jest.spyOn(root, 'child');
    const log = requestLogger(root, { reqId: 'r1' });
    log.info({ a: 1 }, 'completed');
    log.debug('details');
    log.trace('more');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it("writes its lines with the request's bindings through one child", () => {
    const { root, lines } = capture('info');
    const child = jest.spyOn(root, 'child');
    const log = requestLogger(root, { reqId: 'r2' });
    log.info({ a: 1 }, 'completed');
    log.error(new Error('boom'), 'failed');
    log.warn('plain %s', 'text');
    log.fatal('last');
    log.debug('not at info');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map(({ level, reqId, msg }) => ({ level, reqId, msg }))).toEqual([
      { level: 30, reqId: 'r2', msg: 'completed' },
      { level: 50, reqId: 'r2', msg: 'failed' },
      { level: 40, reqId: 'r2', msg: 'plain text' },
      { level: 60, reqId: 'r2', msg: 'last' },
    ]);
    expect(lines[0].a).toBe(1);
    expect((lines[1].err as { message: string }).message).toBe('boom');
  });

  it('takes a level of its own without changing its parent', () => {
    const { root, lines } = capture('warn');
    const log = requestLogger(root, { reqId: 'r3' });
    log.level = 'debug';
    log.debug('now written');
    root.debug('still quiet');
    expect(log.level).toBe('debug');
    expect(root.level).toBe('warn');
    expect(lines).toEqual([expect.objectContaining({ level: 20, reqId: 'r3', msg: 'now written' })]);
    log.level = 'silent';
    log.fatal('not even this');
    expect(lines).toHaveLength(1);
  });

  it("makes a child with options (a route's log level) at once", () => {
    const { root, lines } = capture('warn');
    const log = requestLogger(root, { reqId: 'r4' }, { level: 'info' });
    log.info('route at info');
    expect(lines).toEqual([expect.objectContaining({ level: 30, reqId: 'r4', msg: 'route at info' })]);
    expect(log.child({ step: 2 }).level).toBe('info');
  });

  it('gives children that carry its bindings', () => {
    const { root, lines } = capture('info');
    requestLogger(root, { reqId: 'r5' }).child({ step: 'parse' }).info('nested');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'r5', step: 'parse', msg: 'nested' })]);
  });
});
