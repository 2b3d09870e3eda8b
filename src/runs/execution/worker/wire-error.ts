import { FencedError } from '../fence.js';

/** An error as it crosses between threads: what the receiving side needs to rebuild it. */
export interface WireError {
  fenced: boolean;
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
}

/** `e` as plain data (structured clone keeps neither an Error's class nor its own properties reliably). */
export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { fenced: false, name: 'Error', message: String(e) };
  const code = (e as { code?: unknown }).code;
  return { fenced: e instanceof FencedError, name: e.name, message: e.message, stack: e.stack, ...(code !== undefined ? { code } : {}) };
}

/**
 * The error `wire` was made from: a FencedError is a FencedError again (executions stop on
 * `instanceof FencedError`), any other keeps its name, message, stack and `code`.
 */
export function fromWire(wire: WireError): Error {
  const e = wire.fenced ? Object.assign(new FencedError(0, ''), { message: wire.message }) : new Error(wire.message);
  if (!wire.fenced) e.name = wire.name;
  if (wire.stack !== undefined) e.stack = wire.stack;
  if (wire.code !== undefined) Object.assign(e, { code: wire.code });
  return e;
}
