import { InvalidMlOptionsError, InvalidModelError } from '../ml-errors.js';
import { nextUnit, toRandom } from '../ml-random.js';
import { DqnAgent, type DqnAgentOptions } from './dqn-agent.js';

const FRACTIONS = [0, 0.2, 0.4, 0.6, 0.8, 1];

function makeAgent(overrides: Partial<DqnAgentOptions> = {}): DqnAgent {
  return DqnAgent.create({ stateSize: 2, actions: FRACTIONS, seed: 1, ...overrides });
}

// A one-step toy placement: the best fraction is the first state feature, the second is noise.
function reward(state: number[], action: number): number {
  return -5 * Math.abs(FRACTIONS[action] - state[0]);
}

function bestAction(state: number[]): number {
  return Math.round(state[0] * 5);
}

function makeStates(count: number, seed: number): number[][] {
  const rng = toRandom(seed);
  return Array.from({ length: count }, () => [nextUnit(rng), nextUnit(rng)]);
}

function run(sut: DqnAgent, states: number[][]): number[] {
  const actions: number[] = [];
  for (let i = 0; i + 1 < states.length; i++) {
    const action = sut.act(states[i]);
    sut.observe(states[i], action, reward(states[i], action), states[i + 1]);
    actions.push(action);
  }
  return actions;
}

describe(DqnAgent.name, () => {
  it('learns to pick the best action of a one-step problem', () => {
    const sut = makeAgent();
    run(sut, makeStates(10000, 2));

    const test = makeStates(300, 3);
    const choices = test.map((s) => sut.greedyAction(s));
    const hits = choices.filter((a, i) => a === bestAction(test[i])).length;
    const regret = choices.reduce((sum, a, i) => sum + reward(test[i], bestAction(test[i])) - reward(test[i], a), 0);

    expect(hits / test.length).toBeGreaterThan(0.8);
    expect(choices.every((a, i) => Math.abs(a - bestAction(test[i])) <= 1)).toBe(true);
    // A uniformly random choice regrets about 1.6 per task here.
    expect(regret / test.length).toBeLessThan(0.1);
    expect(sut.currentEpsilon).toBe(0.05);
  });

  it('continues bit-identically after save and load', () => {
    const options = { gamma: 0.5, batchSize: 8, trainEvery: 2, targetSync: 5, replayCapacity: 64, lr: 0.01 };
    const original = makeAgent(options);
    const states = makeStates(601, 4);
    run(original, states.slice(0, 301));

    const sut = DqnAgent.load(JSON.parse(JSON.stringify(original)));
    const expected = run(original, states.slice(300));
    const actual = run(sut, states.slice(300));

    expect(actual).toEqual(expected);
    expect(sut.toJSON()).toEqual(original.toJSON());
    expect(sut.trainStepCount).toBeGreaterThan(100);
  });

  it('round-trips a fresh agent with an empty replay buffer', () => {
    const original = makeAgent();

    const sut = DqnAgent.load(JSON.parse(JSON.stringify(original)));

    expect(sut.toJSON()).toEqual(original.toJSON());
    expect(sut.actionValues).toEqual(FRACTIONS);
  });

  it('answers greedy queries without changing any state', () => {
    const sut = makeAgent();
    run(sut, makeStates(100, 5));
    const before = JSON.stringify(sut);

    sut.greedyAction([0.3, 0.7]);
    sut.predictQ([0.3, 0.7]);

    expect(JSON.stringify(sut)).toBe(before);
  });

  it('trains once every trainEvery transitions once a batch is stored', () => {
    const sut = makeAgent({ batchSize: 10, trainEvery: 4 });

    run(sut, makeStates(41, 6));

    // Observations 12, 16, …, 40 find at least 10 stored transitions.
    expect(sut.trainStepCount).toBe(8);
    expect(sut.lastTrainLoss).toBeGreaterThan(0);
  });

  it('explores every action while epsilon stays at 1', () => {
    const sut = makeAgent({ epsilonDecay: 1 });

    const actions = run(sut, makeStates(200, 7));

    expect(new Set(actions).size).toBe(6);
    expect(sut.currentEpsilon).toBe(1);
  });

  it('stores terminal transitions without a next state', () => {
    const sut = makeAgent({ gamma: 0.9, batchSize: 2, trainEvery: 1 });

    sut.observe([0.5, 0.5], 2, -1);
    sut.observe([0.1, 0.5], 0, -0.5);

    expect(sut.trainStepCount).toBe(1);
    expect(sut.toJSON().replay.size).toBe(2);
  });

  it('rejects a wrong tag, a mismatched network and bad options', () => {
    const json = makeAgent().toJSON();

    expect(() => DqnAgent.load({ ...json, name: 'mlp' })).toThrow(expect.objectContaining({ code: 'ML.INVALID_MODEL' }));
    expect(() => DqnAgent.load({ ...json, config: { ...json.config, hidden: [16] } })).toThrow(InvalidModelError);
    expect(() => DqnAgent.load({ ...json, config: { ...json.config, gamma: undefined } })).toThrow(InvalidModelError);
    expect(() => makeAgent({ batchSize: 0 })).toThrow(InvalidMlOptionsError);
    expect(() => makeAgent().observe([0, 0], 6, 0)).toThrow(InvalidMlOptionsError);
  });
});
