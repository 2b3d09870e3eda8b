import type { StepResult } from '../engine/index.js';
import type { WindowRow } from './run-batch.js';

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

const empty = (): Acc => ({ count: 0, total: 0, min: Infinity, max: -Infinity, energy: 0, cost: 0, wins: 0, losses: 0 });

/**
 * Per-strategy aggregates over windows of K consecutive tasks of a run (DESIGN.md `metrics`):
 * completion times, energy, cost, wins and losses. Windows are aligned on the run's task index,
 * so a run resumed from a window-aligned checkpoint rebuilds them exactly.
 */
export class WindowAccumulator {
  private accs = new Map<string, Acc>();
  private firstTaskId: number | null = null;
  private inWindow = 0;

  constructor(private readonly size: number) {}

  /** Adds a step; returns the finished window's rows when this step completes one. */
  add(step: StepResult): WindowRow[] {
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
      if (step.winners.includes(name)) acc.wins++;
      else if (competing.includes(name)) acc.losses++;
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
    }));
    this.accs = new Map();
    this.firstTaskId = null;
    this.inWindow = 0;
    return rows;
  }
}
