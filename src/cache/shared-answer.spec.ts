import { isShared, share } from './shared-answer.js';

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

  it('tells a shared answer from any other value', () => {
    expect(isShared(share({ items: [] }))).toBe(true);
    expect(isShared({ items: [] })).toBe(false);
    expect(isShared(null)).toBe(false);
  });
});
