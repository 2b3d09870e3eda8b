import { taskFeatures, type Task } from '../../engine/index.js';
import type { LabelledRow } from '../../ingest/ingest.repository.js';

/**
 * The labelled rows of the last `capacity` tasks a run stepped in this process, in processing
 * order: the same rows, with the same values, as its flushes store in training_data. A retrain
 * that finds its whole window here fits without reading them back (see RunExecution).
 */
export class RecentLabels {
  private rows: LabelledRow[] = [];
  // The processing index of rows[0].
  private start: number;

  /** `from`: the processing index of the first task that will be added (where the run stands). */
  constructor(
    private readonly capacity: number,
    from: number,
  ) {
    this.start = from;
  }

  add(task: Task, label: number): void {
    this.rows.push({ features: taskFeatures(task), label });
    // Trimmed in bulk: amortised O(1) a row.
    if (this.rows.length >= 2 * this.capacity) {
      const drop = this.rows.length - this.capacity;
      this.rows = this.rows.slice(drop);
      this.start += drop;
    }
  }

  /**
   * The latest `limit` rows of the tasks before processing index `end` (all of them when the run
   * has stepped fewer), oldest first; null unless every one of them is held here.
   */
  window(end: number, limit: number): LabelledRow[] | null {
    const from = Math.max(0, end - limit);
    const stop = this.start + this.rows.length;
    if (from < this.start || end > stop || limit > this.capacity) return null;
    return this.rows.slice(from - this.start, end - this.start);
  }
}
