import { jest } from '@jest/globals';
import { serializeReply, share } from './shared-answer.js';

describe('shared answers', () => {
  it('freezes a shared answer all the way down', () => {
    const answer = share({ runId: 1, items: [{ scheduler: 'eft', tasks: 3 }] });
    expect(() => {
      (answer as { runId: number }).runId = 2;
    }).toThrow(TypeError);
    expect(() => {
      (answer.items as { scheduler: string }[]).push({ scheduler: 'x' });
    }).toThrow(TypeError);
    expect(() => {
      (answer.items[0] as { tasks: number }).tasks = 4;
    }).toThrow(TypeError);
  });

  it('leaves typed arrays as they are (they cannot be frozen)', () => {
    const answer = share({ values: new Float64Array([1, 2]), items: [{ at: new Date(0) }] });
    expect(Object.isFrozen(answer)).toBe(true);
    expect(Object.isFrozen(answer.items[0])).toBe(true);
  });

  it('serialises a shared answer once (to the bytes every request then writes), and anything else every time', () => {
    const answer = share({ items: [1, 2, 3] });
    const first = serializeReply(answer);
    expect(first.toString()).toBe('{"items":[1,2,3]}');
    const spy = jest.spyOn(JSON, 'stringify');
    try {
      expect(serializeReply(answer)).toBe(first);
      expect(spy).not.toHaveBeenCalled();
      const plain = { items: [1] };
      expect(serializeReply(plain)).toBe('{"items":[1]}');
      plain.items.push(2);
      expect(serializeReply(plain)).toBe('{"items":[1,2]}');
      expect(serializeReply('text')).toBe('"text"');
      expect(serializeReply(null)).toBe('null');
    } finally {
      spy.mockRestore();
    }
  });
});
