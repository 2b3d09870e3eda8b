import { exponential, normal, pareto, RngStreams, uniform } from './rng-streams.js';

describe(RngStreams.name, () => {
  it('gives different names different streams from one seed', () => {
    const sut = RngStreams.fromSeed(42, ['a', 'b']);

    expect(uniform(sut.get('a'))).not.toBe(uniform(sut.get('b')));
  });

  it('replays the same draws from the same seed', () => {
    const first = RngStreams.fromSeed(7, ['a']);
    const second = RngStreams.fromSeed(7, ['a']);

    expect(Array.from({ length: 5 }, () => uniform(first.get('a')))).toEqual(Array.from({ length: 5 }, () => uniform(second.get('a'))));
  });

  it('continues identically after a save and restore through JSON', () => {
    const sut = RngStreams.fromSeed(1, ['a', 'b']);
    uniform(sut.get('a'));
    const restored = RngStreams.restore(JSON.parse(JSON.stringify(sut)));

    expect(normal(restored.get('a'), 0, 1)).toBe(normal(sut.get('a'), 0, 1));
    expect(pareto(restored.get('b'), 1.5)).toBe(pareto(sut.get('b'), 1.5));
  });

  it('rejects a malformed state', () => {
    expect(() => RngStreams.restore({ a: [1, 2] })).toThrow(expect.objectContaining({ code: 'SIMULATION.INVALID_STATE' }));
  });

  it('draws distributions with the right means', () => {
    const rng = RngStreams.fromSeed(3, ['x']).get('x');
    const n = 20000;
    const mean = (draw: () => number): number => Array.from({ length: n }, draw).reduce((a, b) => a + b, 0) / n;

    expect(mean(() => exponential(rng, 2))).toBeCloseTo(0.5, 1);
    expect(mean(() => normal(rng, 0.8, 0.1))).toBeCloseTo(0.8, 2);
    // Lomax(3) has mean 1/(3 − 1).
    expect(mean(() => pareto(rng, 3))).toBeCloseTo(0.5, 1);
  });
});
