import type { StepResult, StrategyStatsState, Task } from '../engine/index.js';
import { taskFeatures } from '../engine/index.js';

/** One strategy's window of K consecutive tasks, as stored in `metrics`. */
export interface WindowRow {
  schedulerName: string;
  windowStart: number;
  windowEnd: number;
  totalTasks: number;
  totalTime: number;
  avgTime: number;
  minTime: number;
  maxTime: number;
  totalEnergy: number;
  totalCost: number;
  wins: number;
  losses: number;
  /** The strategy's StrategyStats over the window (null: not known, a window resumed from an older checkpoint). */
  stats: StrategyStatsState | null;
}

/** Every strategy's accumulators as of `throughTask` tasks: the run's progress when the batch commits. */
export interface AggregatesSnapshot {
  throughTask: number;
  stats: Record<string, StrategyStatsState>;
}

/**
 * Column-wise buffers of the rows a flush writes (tasks, one result per strategy, the oracle label),
 * so a flush is one `unnest` statement per table with no per-row objects.
 */
export class RunBatch {
  readonly tasks = {
    taskId: [] as number[],
    size: [] as number[],
    computeIntensity: [] as number[],
    memoryRequired: [] as number[],
    durationEstimate: [] as number[],
    arrivalTime: [] as number[],
    dependencies: [] as string[],
  };
  readonly results = {
    taskId: [] as number[],
    schedulerName: [] as string[],
    gpuFraction: [] as number[],
    cpuFraction: [] as number[],
    gpuId: [] as (number | null)[],
    execTime: [] as number[],
    waitTime: [] as number[],
    completionTime: [] as number[],
    startTime: [] as number[],
    finishTime: [] as number[],
    energy: [] as number[],
    cost: [] as number[],
    won: [] as boolean[],
  };
  readonly training = {
    taskId: [] as number[],
    features: [[], [], [], [], []] as number[][],
    label: [] as number[],
    optimalTime: [] as number[],
  };
  windows: WindowRow[] = [];
  /** The engine's accumulators right after the batch's last task, upserted with its rows (null: none). */
  aggregates: AggregatesSnapshot | null = null;

  /** withTasks false: the tasks are stored already (a trace's, stored when the run was created). */
  constructor(readonly withTasks = true) {}

  /** Tasks buffered. */
  get size(): number {
    return this.training.taskId.length;
  }

  add(step: StepResult): void {
    const { task, outcomes, oracle } = step;
    if (this.withTasks) this.addTask(task);
    // A warm-up task's results are not stored: every read of a run's results leaves it out.
    for (const [name, o] of step.counted ? Object.entries(outcomes) : []) {
      const r = this.results;
      r.taskId.push(task.id);
      r.schedulerName.push(name);
      r.gpuFraction.push(o.gpuFraction);
      r.cpuFraction.push(o.cpuFraction);
      r.gpuId.push(o.gpuId);
      r.execTime.push(o.execTime);
      r.waitTime.push(o.waitTime);
      r.completionTime.push(o.completionTime);
      r.startTime.push(o.startTime);
      r.finishTime.push(o.finishTime);
      r.energy.push(o.energy);
      r.cost.push(o.cost);
      r.won.push(step.winners.includes(name));
    }
    const t = this.training;
    t.taskId.push(task.id);
    taskFeatures(task).forEach((value, i) => t.features[i].push(value));
    t.label.push(oracle.gpuFraction);
    t.optimalTime.push(oracle.optimalTime);
  }

  addTask(task: Task): void {
    const t = this.tasks;
    t.taskId.push(task.id);
    t.size.push(task.size);
    t.computeIntensity.push(task.computeIntensity);
    t.memoryRequired.push(task.memoryRequired);
    t.durationEstimate.push(task.durationEstimate);
    t.arrivalTime.push(task.arrivalTime);
    t.dependencies.push(JSON.stringify(task.dependencies));
  }
}
