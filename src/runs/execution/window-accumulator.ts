import { StrategyStats, type StepResult, type StrategyStatsState } from '../../engine/index.js';
import type { WindowRow } from '../../ingest/run-batch.js';

interface Acc {
  count: number;
  total: number;
  min: number;
  max: number;
  energy: number;
  cost: number;
  wins: number;
  losses: number;
}

/** The window in progress, as JSON (saved with a checkpoint so a resume can finish it). */
export interface WindowState {
  firstTaskId: number | null;
  inWindow: number;
  accs: [string, Acc][];
  /**
   * Each strategy's StrategyStats over the window so far. Absent in states saved before windows had
   * them: a window restored from such a state was partly stepped without, so it is written with null stats.
   */
  stats?: [string, StrategyStatsState][];
}

const empty = (): Acc => ({ count: 0, total: 0, min: Infinity, max: -Infinity, energy: 0, cost: 0, wins: 0, losses: 0 });

/**
 * Per-strategy aggregates over windows of K consecutive tasks of a run (DESIGN.md `metrics`):
 * completion times, energy, cost, wins and losses, and each strategy's StrategyStats over the window
 * (percentile sketches, regret and the scheduling metrics). Windows are aligned on the run's task index,
 * and the window in progress is saved with a checkpoint, so a resumed run rebuilds them exactly.
 */
export class WindowAccumulator {
  private accs = new Map<string, Acc>();
  // The same accumulators as the engine's per strategy (the leaderboard's), over the window; null
  // when the window in progress was restored from a state that had none.
  private stats: Map<string, StrategyStats> | null = new Map();
  private firstTaskId: number | null = null;
  private inWindow = 0;

  /** relativeAccuracy: of the windows' quantile sketches (the engine's stats.relativeAccuracy). */
  constructor(
    private readonly size: number,
    private readonly relativeAccuracy: number,
    state?: WindowState,
  ) {
    if (!state) return;
    // min and max of an accumulator always hold a number once it has a task, so JSON keeps them.
    this.accs = new Map(state.accs.map(([name, acc]) => [name, { ...acc }]));
    this.firstTaskId = state.firstTaskId;
    this.inWindow = state.inWindow;
    if (state.stats) this.stats = new Map(state.stats.map(([name, stats]) => [name, StrategyStats.restore(stats)]));
    else if (state.inWindow > 0) this.stats = null;
  }

  /** The window in progress (empty right after a window closes). */
  toJSON(): WindowState {
    const state: WindowState = { firstTaskId: this.firstTaskId, inWindow: this.inWindow, accs: [...this.accs].map(([name, acc]) => [name, { ...acc }]) };
    if (this.stats) state.stats = [...this.stats].map(([name, stats]) => [name, stats.toJSON()]);
    return state;
  }

  /** Adds a step; returns the finished window's rows when this step completes one. */
  add(step: StepResult): WindowRow[] {
    // Warm-up tasks belong to no window: windows are aligned on the counted tasks.
    if (!step.counted) return [];
    if (this.firstTaskId === null) this.firstTaskId = step.task.id;
    const competing = Object.keys(step.outcomes).filter((n) => n !== 'oracle');
    for (const [name, o] of Object.entries(step.outcomes)) {
      let acc = this.accs.get(name);
      if (!acc) this.accs.set(name, (acc = empty()));
      acc.count++;
      acc.total += o.completionTime;
      acc.min = Math.min(acc.min, o.completionTime);
      acc.max = Math.max(acc.max, o.completionTime);
      acc.energy += o.energy;
      acc.cost += o.cost;
      const won = step.winners.includes(name);
      if (won) acc.wins++;
      else if (competing.includes(name)) acc.losses++;
      const sample = step.samples[name];
      if (this.stats && sample) {
        let stats = this.stats.get(name);
        if (!stats) this.stats.set(name, (stats = StrategyStats.create(this.relativeAccuracy)));
        // As the engine feeds its own (simulation-engine.ts step), so a window means what the leaderboard does.
        stats.arrive(step.task.arrivalTime, sample);
        stats.occupy(o, sample.cpuPart, sample.gpuPart);
        stats.add(o, step.oracle.optimalTime, won);
      }
    }
    this.inWindow++;
    return this.inWindow >= this.size ? this.close(step.task.id) : [];
  }

  /** The rows of the partial window so far (for a run that ends mid-window). */
  closePartial(lastTaskId: number): WindowRow[] {
    return this.inWindow > 0 ? this.close(lastTaskId) : [];
  }

  private close(lastTaskId: number): WindowRow[] {
    const rows = [...this.accs.entries()].map(([schedulerName, a]) => ({
      schedulerName,
      windowStart: this.firstTaskId as number,
      windowEnd: lastTaskId,
      totalTasks: a.count,
      totalTime: a.total,
      avgTime: a.total / a.count,
      minTime: a.min,
      maxTime: a.max,
      totalEnergy: a.energy,
      totalCost: a.cost,
      wins: a.wins,
      losses: a.losses,
      stats: this.stats?.get(schedulerName)?.toJSON() ?? null,
    }));
    this.accs = new Map();
    this.stats = new Map();
    this.firstTaskId = null;
    this.inWindow = 0;
    return rows;
  }
}
