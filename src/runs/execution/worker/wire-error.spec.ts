import { FencedError } from '../fence.js';
import { fromWire, toWire } from './wire-error.js';

// What the other thread receives: the wire form, structured-cloned.
const across = (e: unknown) => fromWire(structuredClone(toWire(e)));

describe('errors between threads', () => {
  it('rebuilds a FencedError as a FencedError with its message (executions stop on instanceof)', () => {
    const original = new FencedError(42, 'another execution claimed the run');

    const received = across(original);

    expect(received).toBeInstanceOf(FencedError);
    expect(received.message).toBe(original.message);
    expect(received.name).toBe('FencedError');
  });

  it("keeps another error's message, name, stack and code, and it is not a FencedError", () => {
    const original = Object.assign(new TypeError('duplicate key value'), { code: '23505' });

    const received = across(original);

    expect(received).not.toBeInstanceOf(FencedError);
    expect(received).toBeInstanceOf(Error);
    expect(received).toMatchObject({ message: 'duplicate key value', name: 'TypeError', code: '23505', stack: original.stack });
  });

  it('makes an Error of a thrown non-error', () => {
    expect(across('connection lost')).toMatchObject({ message: 'connection lost', name: 'Error' });
    expect(across('connection lost')).not.toHaveProperty('code');
  });
});
