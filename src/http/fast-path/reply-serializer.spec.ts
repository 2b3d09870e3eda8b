import { jest } from '@jest/globals';
import { share } from '../../cache/shared-answer.js';
import { serializeReply } from './reply-serializer.js';

describe('serializeReply', () => {
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
