import { PlacementModel } from './learning/placement-model.js';
import { SimulationEngine } from './simulation-engine.js';
import type { StepResult } from './engine-state.js';
import { aTask } from './testing/task.factory.js';

function run(sut: SimulationEngine, count: number): StepResult[] {
  return Array.from({ length: count }, () => sut.step(sut.nextTask()));
}

/** What the app's worker does: a model fitted on the engine's window, as JSON. */
function externalFit(sut: SimulationEngine): unknown {
  const rows = sut.trainingWindow();
  return PlacementModel.fit(rows.map((r) => r.features), rows.map((r) => r.label), { ...sut.nextForestOptions(), holdoutFraction: 0 }).model.toJSON();
}

describe(SimulationEngine.name, () => {
  it('replays the same task stream and decisions from the same seed', () => {
    const first = run(SimulationEngine.create({ seed: 42 }), 300);
    const second = run(SimulationEngine.create({ seed: 42 }), 300);
    const other = run(SimulationEngine.create({ seed: 43 }), 300);

    expect(second).toEqual(first);
    expect(other.map((r) => r.task)).not.toEqual(first.map((r) => r.task));
  });

  it('resumes after task 700 of 1,000 exactly, every strategy included, through JSON', () => {
    const reference = SimulationEngine.create({ seed: 42 });
    const expected = run(reference, 1000).slice(700);
    const sut = SimulationEngine.create({ seed: 42 });
    run(sut, 700);

    const restored = SimulationEngine.restore(JSON.parse(JSON.stringify(sut.snapshot())));

    expect(run(restored, 300)).toEqual(expected);
    expect(restored.summary()).toEqual(reference.summary());
    expect(restored.modelInfo()).toEqual(reference.modelInfo());
  });

  it('resumes exactly while a model trained with a lag has yet to take effect', () => {
    // Retrains at 50, 100, 200, 400 labels take effect 5, 10, 20, 40 tasks later: at 410 the model of 400 waits.
    const config = { seed: 9, learning: { retrainInterval: 1000, retrainLag: 2000 } };
    const reference = SimulationEngine.create(config);
    const expected = run(reference, 600).slice(410);
    const sut = SimulationEngine.create(config);
    run(sut, 410);

    expect(sut.modelInfo()?.effectiveAtTask).toBe(220);
    const restored = SimulationEngine.restore(JSON.parse(JSON.stringify(sut.snapshot())));

    expect(run(restored, 190)).toEqual(expected);
    expect(restored.modelInfo()).toEqual(reference.modelInfo());
    expect(restored.modelInfo()?.effectiveAtTask).toBe(440);
  });

  it('gives each win to the non-oracle strategies with the smallest completion time', () => {
    for (const result of run(SimulationEngine.create({ seed: 5 }), 200)) {
      const contenders = Object.entries(result.outcomes).filter(([name]) => name !== 'oracle');
      const best = Math.min(...contenders.map(([, o]) => o.completionTime));

      expect(result.winners).toEqual(contenders.filter(([, o]) => o.completionTime === best).map(([name]) => name));
    }
  });

  it('previews every placement without changing any state', () => {
    const sut = SimulationEngine.create({ seed: 9 });
    run(sut, 120);
    const before = JSON.stringify(sut.snapshot());
    const next = sut.nextTask();
    const afterDraw = JSON.stringify(sut.snapshot());

    const placement = sut.placement(next);

    expect(JSON.stringify(sut.snapshot())).toBe(afterDraw);
    expect(afterDraw).not.toBe(before);
    const stepped = sut.step(next);
    for (const name of sut.strategyNames) expect(placement.placements[name]).toEqual(stepped.outcomes[name]);
  });

  it('gives the reasons of the placements it previews, without changing any state', () => {
    const sut = SimulationEngine.create({ seed: 9 });
    run(sut, 120);
    const next = sut.nextTask();
    const before = JSON.stringify(sut.snapshot());

    const reasons = sut.reasons(next);
    const placement = sut.placement(next);

    expect(JSON.stringify(sut.snapshot())).toBe(before);
    expect(Object.keys(reasons).sort()).toEqual(['eft', 'hybrid_ml', 'rl_agent']);
    const { eft, hybrid_ml: ml, rl_agent: rl } = reasons;
    if (eft.kind !== 'eft' || ml.kind !== 'hybrid_ml' || rl.kind !== 'rl_agent') throw new Error('reasons of the wrong kind');
    // EFT's first alternative is its decision; the others finish no earlier.
    expect(eft.alternatives[0].f).toBe(placement.placements.eft.gpuFraction);
    expect(eft.alternatives[0].finish).toBe(placement.placements.eft.finishTime);
    for (let i = 1; i < eft.alternatives.length; i++) expect(eft.alternatives[i].finish).toBeGreaterThanOrEqual(eft.alternatives[i - 1].finish);
    expect(ml.f).toBe(placement.placements.hybrid_ml.gpuFraction);
    expect(ml.oracleF).toBe(placement.oracle.gpuFraction);
    expect(ml.predictedF).not.toBeNull();
    expect(rl.actionValues.map((a) => a.f)).toContain(placement.placements.rl_agent.gpuFraction);
  });

  it('places a sequence as stepping it would, without changing any state', () => {
    const sut = SimulationEngine.create({ seed: 9 });
    run(sut, 120);
    // Without dependencies, so that the sequence needs none of the engine's own tasks.
    const next = Array.from({ length: 30 }, () => ({ ...sut.nextTask(), dependencies: [] }));
    const before = JSON.stringify(sut.snapshot());

    const sequence = sut.placementSequence(next);

    expect(JSON.stringify(sut.snapshot())).toBe(before);
    expect(sequence[0].placements).toEqual(sut.placement(next[0]).placements);
    // Stepping the same tasks gives the same placements for the strategies that do not learn per task.
    const stepped = next.map((task) => sut.step(task));
    for (const name of ['round_robin', 'random', 'greedy', 'oracle', 'eft']) {
      expect(sequence.map((r) => r.placements[name])).toEqual(stepped.map((s) => s.outcomes[name]));
    }
  });

  it('behaves as greedy until hybrid_ml has a model', () => {
    const [first] = run(SimulationEngine.create({ seed: 1, strategies: ['greedy', 'hybrid_ml'] }), 1);

    expect(first.outcomes.hybrid_ml).toEqual(first.outcomes.greedy);
  });

  it('retrains inline every retrainInterval tasks once minSamples labels exist', () => {
    const sut = SimulationEngine.create({ seed: 2, learning: { retrainInterval: 25, minSamples: 50 } });

    const retrainedAt = run(sut, 100).filter((r) => r.retrained !== null).map((r) => r.index);

    expect(retrainedAt).toEqual([49, 74, 99]);
    expect(sut.modelInfo()).toEqual(expect.objectContaining({ version: 3, effectiveAtTask: 100, samples: 100 }));
    expect(sut.trainingWindow()).toHaveLength(100);
  });

  it('flags external retrains and swaps the model in at the task the caller names', () => {
    const config = { seed: 3, learning: { mode: 'external' as const, retrainInterval: 50 } };
    const sut = SimulationEngine.create(config);
    const due = run(sut, 50);
    const model = externalFit(sut);

    sut.installModel(model, 60);
    const before = run(sut, 10);
    const after = run(sut, 1);

    expect(due[49].retrainDue).toBe(true);
    expect(before.every((r) => r.outcomes.hybrid_ml.gpuFraction === r.task.computeIntensity)).toBe(true);
    expect(after[0].outcomes.hybrid_ml.gpuFraction).not.toBe(after[0].task.computeIntensity);
    expect(sut.modelInfo()).toEqual(expect.objectContaining({ version: 1, effectiveAtTask: 60 }));
  });

  it('keeps a pending model across a save and restore', () => {
    const sut = SimulationEngine.create({ seed: 3, learning: { mode: 'external' } });
    run(sut, 50);
    sut.installModel(externalFit(sut), 55);

    const restored = SimulationEngine.restore(JSON.parse(JSON.stringify(sut.snapshot())));

    expect(run(restored, 10)).toEqual(run(sut, 10));
  });

  it('rejects an unknown strategy and a malformed state', () => {
    expect(() => SimulationEngine.create({ strategies: ['nope'] })).toThrow(expect.objectContaining({ code: 'SIMULATION.UNKNOWN_STRATEGY' }));
    expect(() => SimulationEngine.restore({ format: 'other' })).toThrow(expect.objectContaining({ code: 'SIMULATION.INVALID_STATE' }));
    expect(() => SimulationEngine.create({ gpus: 0 })).toThrow(expect.objectContaining({ code: 'SIMULATION.INVALID_CONFIG' }));
  });

  it('rejects a task whose parent it never ran', () => {
    const sut = SimulationEngine.create();

    expect(() => sut.step(aTask({ id: 3, dependencies: [1] }))).toThrow(expect.objectContaining({ code: 'SIMULATION.UNKNOWN_DEPENDENCY' }));
  });

  it('summarises each strategy with exact extremes and percentiles within the sketch accuracy', () => {
    const sut = SimulationEngine.create({ seed: 11 });
    const results = run(sut, 1000);
    const times = results.map((r) => r.outcomes.eft.completionTime).sort((a, b) => a - b);
    const summary = sut.summary().find((s) => s.strategy === 'eft');

    expect(summary?.tasks).toBe(1000);
    expect(summary?.completionTime.min).toBe(times[0]);
    expect(summary?.completionTime.max).toBe(times[999]);
    expect(summary?.completionTime.mean).toBeCloseTo(times.reduce((a, b) => a + b, 0) / 1000, 9);
    for (const [q, p] of [[0.5, summary?.completionTime.p50], [0.95, summary?.completionTime.p95], [0.99, summary?.completionTime.p99]] as const) {
      const exact = times[Math.floor(q * 999)];
      expect(Math.abs((p as number) - exact) / exact).toBeLessThanOrEqual(0.005 + 1e-12);
    }
    expect(summary?.wins).toBe(results.filter((r) => r.winners.includes('eft')).length);
  });
});
