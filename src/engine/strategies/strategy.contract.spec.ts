import { resolveEngineConfig } from '../config.js';
import { ModelSlot } from '../learning/model-slot.js';
import { Machine } from '../machine/machine.js';
import { oracleDecision } from '../machine/oracle.js';
import { RngStreams } from '../random/rng-streams.js';
import { generateTask } from '../workload/generate-task.js';
import type { Task } from '../workload/task.js';
import { STRATEGY_DEFINITIONS } from './registry.js';
import type { Strategy, StrategyDefinition, StrategyEnv } from './strategy.js';

const config = resolveEngineConfig({ seed: 4 });

function tasks(count: number): Task[] {
  const rng = RngStreams.fromSeed(8, ['w']).get('w');
  const out: Task[] = [];
  for (let i = 0; i < count; i++) out.push(generateTask(rng, config.workload, i, out[i - 1]?.arrivalTime ?? 0));
  return out;
}

function env(streams = RngStreams.fromSeed(4, ['s', 'l'])): StrategyEnv {
  return { config, rng: streams.get('s'), learnerRng: streams.get('l'), models: new ModelSlot() };
}

// Feeds tasks through a strategy on its own machine, as the engine does.
function drive(sut: Strategy, machine: Machine, stream: readonly Task[]): { f: number; gpu: number }[] {
  return stream.map((task) => {
    const oracle = oracleDecision(task, config.machine);
    const decision = sut.decide(task, { machine, oracle });
    const outcome = machine.run(task, decision.f, decision.gpu);
    sut.learn?.({ task, decision, outcome, machine, oracle });
    return decision;
  });
}

describe.each(STRATEGY_DEFINITIONS.map((d) => [d.name, d] as [string, StrategyDefinition]))('strategy contract: %s', (name, definition) => {
  const stream = tasks(200);
  let machine: Machine;
  let sut: Strategy;

  beforeEach(() => {
    machine = Machine.create(config.machine, config.gpus, 'window', 50);
    sut = definition.create(env());
  });

  it('is registered under its own name', () => {
    expect(sut.name).toBe(name);
  });

  it('decides a fraction within [0, 1] and an existing GPU', () => {
    for (const { f, gpu } of drive(sut, machine, stream)) {
      expect(f >= 0 && f <= 1).toBe(true);
      expect(Number.isInteger(gpu) && gpu >= 0 && gpu < config.gpus).toBe(true);
    }
  });

  it('previews the decision it then takes, changing nothing', () => {
    drive(sut, machine, stream.slice(0, 100));
    const next = stream[100];
    const ctx = { machine, oracle: oracleDecision(next, config.machine) };
    const saved = JSON.stringify(sut.toJSON());

    const preview = sut.preview(next, ctx);

    expect(JSON.stringify(sut.toJSON())).toBe(saved);
    expect(sut.decide(next, ctx)).toEqual(preview);
  });

  it('forks a copy that decides as it would, without changing it or its stream', () => {
    const streams = RngStreams.fromSeed(4, ['s', 'l']);
    const original = definition.create(env(streams));
    drive(original, machine, stream.slice(0, 100));
    const next = stream.slice(100, 150);
    const saved = { strategy: JSON.stringify(original.toJSON()), streams: JSON.stringify(streams), machine: JSON.stringify(machine.toJSON()) };
    const preview = original.preview(next[0], { machine, oracle: oracleDecision(next[0], config.machine) });
    const forkMachine = Machine.restore(config.machine, machine.toJSON());

    const fork = original.fork();
    const decisions = next.map((task) => {
      const decision = fork.decide(task, { machine: forkMachine, oracle: oracleDecision(task, config.machine) });
      forkMachine.run(task, decision.f, decision.gpu);
      return decision;
    });

    expect(decisions[0]).toEqual(preview);
    expect({ strategy: JSON.stringify(original.toJSON()), streams: JSON.stringify(streams), machine: JSON.stringify(machine.toJSON()) }).toEqual(saved);
  });

  it('continues identically after a save and restore through JSON', () => {
    const streams = RngStreams.fromSeed(4, ['s', 'l']);
    const original = definition.create(env(streams));
    drive(original, machine, stream.slice(0, 100));
    const savedMachine = JSON.parse(JSON.stringify(machine.toJSON()));
    const restoredStreams = RngStreams.restore(JSON.parse(JSON.stringify(streams)));

    const restored = definition.restore(JSON.parse(JSON.stringify(original.toJSON())), env(restoredStreams));

    const expected = drive(original, machine, stream.slice(100));
    expect(drive(restored, Machine.restore(config.machine, savedMachine), stream.slice(100))).toEqual(expected);
  });

  it('rejects a state saved by another strategy', () => {
    expect(() => definition.restore({ name: 'someone_else' }, env())).toThrow(expect.objectContaining({ code: 'SIMULATION.INVALID_STATE' }));
  });
});
