import { HeldAnswers, type AnswerOrigin } from './held-answers.js';

const READ = 'run:1:leaderboard:{}';
const origin = (version: number, read = READ): AnswerOrigin => ({ runId: 1, version, read });

describe(HeldAnswers.name, () => {
  it('holds the latest answer per read, frozen, with the read it came from', () => {
    const sut = new HeldAnswers();
    const answer = { items: [{ strategy: 'eft' }] };

    sut.keep(origin(1), answer, 10);

    expect(sut.get(READ)).toEqual({ value: answer, version: 1, at: 10 });
    expect(Object.isFrozen(answer.items[0])).toBe(true);
    expect(sut.originOf(answer)).toEqual(origin(1));
  });

  it('keeps a later answer when a slow computation of an earlier version or start ends after it', () => {
    const sut = new HeldAnswers();
    const later = { v: 2 };
    sut.keep(origin(2), later, 20);

    sut.keep(origin(1), { v: 1 }, 30);
    sut.keep(origin(2), { v: 3 }, 10);

    expect(sut.get(READ)?.value).toBe(later);
  });

  it('cannot tell the read of one object kept for two reads', () => {
    const sut = new HeldAnswers();
    const constant = { items: [] };

    sut.keep(origin(1), constant, 10);
    sut.keep(origin(1, 'run:1:windows:{}'), constant, 10);

    expect(sut.originOf(constant)).toBeUndefined();
    expect(sut.originOf({})).toBeUndefined();
  });

  it('drops a held answer only while no other answer replaced it', () => {
    const sut = new HeldAnswers();
    sut.keep(origin(1), { v: 1 }, 10);
    const first = sut.get(READ)!;
    sut.keep(origin(2), { v: 2 }, 20);

    sut.drop(READ, first);
    expect(sut.get(READ)?.version).toBe(2);

    sut.drop(READ, sut.get(READ)!);
    expect(sut.get(READ)).toBeUndefined();
  });
});
