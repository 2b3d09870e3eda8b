import { SimulationEngine, StrategyStats, type StepResult, type StrategyStatsState } from '../../engine/index.js';
import type { WindowRow } from '../../ingest/run-batch.js';
import { WindowAccumulator, type WindowState } from './window-accumulator.js';

const ACCURACY = 0.01;

function engine(): SimulationEngine {
  return SimulationEngine.create({ seed: 7, gpus: 3, learning: { mode: 'external' }, stats: { warmupTasks: 5, relativeAccuracy: ACCURACY } });
}

function steps(n: number): StepResult[] {
  const e = engine();
  return Array.from({ length: n }, () => e.step(e.nextTask()));
}

function windowsOf(all: StepResult[], size: number): WindowRow[] {
  const acc = new WindowAccumulator(size, ACCURACY);
  const rows = all.flatMap((s) => acc.add(s));
  return [...rows, ...acc.closePartial(all[all.length - 1].task.id)];
}

describe('WindowAccumulator stats', () => {
  it("gives a window the StrategyStats the engine's own accumulators hold over the same tasks", () => {
    const e = engine();
    const acc = new WindowAccumulator(1000, ACCURACY);
    for (let i = 0; i < 205; i++) acc.add(e.step(e.nextTask()));
    const rows = acc.closePartial(204);

    // One window over every counted task: exactly the engine's accumulators, state for state.
    expect(Object.fromEntries(rows.map((r) => [r.schedulerName, r.stats]))).toEqual(e.statsState());
    expect(rows.every((r) => r.totalTasks === 200)).toBe(true);
  });

  it("merges a run's windows into the run's statistics: counts, sums, wins and busy time", () => {
    const e = engine();
    const acc = new WindowAccumulator(30, ACCURACY);
    const rows: WindowRow[] = [];
    for (let i = 0; i < 245; i++) rows.push(...acc.add(e.step(e.nextTask())));
    rows.push(...acc.closePartial(244));
    expect(new Set(rows.map((r) => r.windowStart)).size).toBe(8);

    for (const [name, run] of Object.entries(e.statsState())) {
      const merged = StrategyStats.create(ACCURACY);
      for (const r of rows.filter((w) => w.schedulerName === name)) merged.merge(StrategyStats.restore(r.stats as StrategyStatsState));
      const m = merged.toJSON();
      expect(m.count).toBe(run.count);
      expect(m.wins).toBe(run.wins);
      expect(m.regretMax).toBe(run.regretMax);
      m.sums.forEach((sum, i) => expect(sum).toBeCloseTo(run.sums[i], 6));
      m.scheduling?.busy.forEach((busy, d) => expect(busy).toBeCloseTo(run.scheduling?.busy[d] as number, 6));
      expect(m.scheduling?.firstArrival).toBe(run.scheduling?.firstArrival);
      expect(m.scheduling?.lastFinish).toBe(run.scheduling?.lastFinish);
      expect(m.scheduling?.backlogMax).toEqual(run.scheduling?.backlogMax);
      // The sketches merge exactly: same buckets, same counts.
      expect(m.completion).toEqual(run.completion);
    }
  });

  it('keeps every window within its own span: utilisation ≤ 1 per device', () => {
    for (const r of windowsOf(steps(300), 25)) {
      const s = StrategyStats.restore(r.stats as StrategyStatsState);
      const sch = s.scheduling(s.devices - 1);
      expect(s.tasks).toBe(r.totalTasks);
      for (const u of [sch.utilisation.cpu, ...sch.utilisation.gpus]) expect(u).toBeLessThanOrEqual(1 + 1e-12);
      expect(sch.makespan).toBeGreaterThan(0);
    }
  });

  it('gives a window resumed from its saved state the same stats as an uninterrupted one', () => {
    const all = steps(100);
    const straight = windowsOf(all, 40);
    const first = new WindowAccumulator(40, ACCURACY);
    const rows = all.slice(0, 57).flatMap((s) => first.add(s));
    const resumed = new WindowAccumulator(40, ACCURACY, JSON.parse(JSON.stringify(first.toJSON())) as WindowState);
    rows.push(...all.slice(57).flatMap((s) => resumed.add(s)), ...resumed.closePartial(99));
    expect(rows).toEqual(straight);
  });

  it('writes null stats for a window resumed from a state saved before windows had them, and full ones after', () => {
    const all = steps(100);
    const first = new WindowAccumulator(40, ACCURACY);
    all.slice(0, 57).forEach((s) => first.add(s));
    const { stats: _dropped, ...old } = first.toJSON();
    const resumed = new WindowAccumulator(40, ACCURACY, old);
    const rows = [...all.slice(57).flatMap((s) => resumed.add(s)), ...resumed.closePartial(99)];
    const straight = windowsOf(all, 40);

    // Warm-up 5, windows of 40: tasks 45…84 were in progress at task 57.
    const inProgress = rows.filter((r) => r.windowStart === 45);
    expect(inProgress.length).toBeGreaterThan(0);
    expect(inProgress.every((r) => r.stats === null)).toBe(true);
    // Its other columns are as before, and the next window has its stats again.
    expect(inProgress.map(({ stats: _s, ...r }) => r)).toEqual(straight.filter((r) => r.windowStart === inProgress[0].windowStart).map(({ stats: _s, ...r }) => r));
    const next = rows.filter((r) => r.windowStart > inProgress[0].windowStart);
    expect(next).toEqual(straight.filter((r) => r.windowStart > inProgress[0].windowStart));
    expect(next.every((r) => r.stats !== null)).toBe(true);
  });

  it('restores an old state with no window in progress with stats', () => {
    const acc = new WindowAccumulator(10, ACCURACY, { firstTaskId: null, inWindow: 0, accs: [] });
    const rows = steps(20).flatMap((s) => acc.add(s));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.stats !== null)).toBe(true);
  });
});
