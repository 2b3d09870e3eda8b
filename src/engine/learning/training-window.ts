import { InvalidStateError } from '../errors.js';
import type { OracleDecision } from '../machine/oracle.js';
import { FEATURE_COUNT, writeFeatures, type Task } from '../workload/task.js';

/** One labelled row: the five features, the oracle's f* (label) and optimal time. */
export interface TrainingRow {
  readonly taskId: number;
  readonly features: number[];
  readonly label: number;
  readonly optimalTime: number;
}

const WIDTH = FEATURE_COUNT + 3;

/** The latest `capacity` oracle labels in one flat ring (no per-task allocation). */
export class TrainingWindow {
  private readonly data: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity * WIDTH);
  }

  static restore(capacity: number, rows: readonly TrainingRow[]): TrainingWindow {
    if (!Array.isArray(rows)) throw new InvalidStateError('training window state must be a list of rows');
    const window = new TrainingWindow(capacity);
    for (const row of rows.slice(-capacity)) {
      if (!Array.isArray(row?.features) || row.features.length !== FEATURE_COUNT) throw new InvalidStateError('training row is malformed');
      window.write(row.taskId, row.features, row.label, row.optimalTime);
    }
    return window;
  }

  get size(): number {
    return this.count;
  }

  push(task: Task, oracle: OracleDecision): void {
    const base = this.head * WIDTH;
    this.data[base] = task.id;
    writeFeatures(task, this.data, base + 1);
    this.data[base + 1 + FEATURE_COUNT] = oracle.gpuFraction;
    this.data[base + 2 + FEATURE_COUNT] = oracle.optimalTime;
    this.advance();
  }

  /** Rows oldest first. */
  rows(): TrainingRow[] {
    const out: TrainingRow[] = [];
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let k = 0; k < this.count; k++) {
      const base = ((start + k) % this.capacity) * WIDTH;
      out.push({
        taskId: this.data[base],
        features: Array.from(this.data.subarray(base + 1, base + 1 + FEATURE_COUNT)),
        label: this.data[base + 1 + FEATURE_COUNT],
        optimalTime: this.data[base + 2 + FEATURE_COUNT],
      });
    }
    return out;
  }

  private write(taskId: number, features: readonly number[], label: number, optimalTime: number): void {
    const base = this.head * WIDTH;
    this.data[base] = taskId;
    this.data.set(features, base + 1);
    this.data[base + 1 + FEATURE_COUNT] = label;
    this.data[base + 2 + FEATURE_COUNT] = optimalTime;
    this.advance();
  }

  private advance(): void {
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }
}
