import { InvalidStateError } from '../errors.js';

/** Saved form of FinishTimes. */
export type FinishTimesState =
  | { readonly kind: 'window'; readonly ids: number[]; readonly times: number[]; readonly next: number }
  | { readonly kind: 'all'; readonly entries: [number, number][] };

/**
 * Finish times of past tasks, for dependency readiness. 'window' keeps only the last `size`
 * tasks in a ring (generated parents are always among the previous 50), so memory stays flat
 * over a million tasks; 'all' keeps every task, for traces whose parents may be arbitrarily old.
 */
export class FinishTimes {
  private constructor(
    private readonly ids: Float64Array | null,
    private readonly times: Float64Array | null,
    private next: number,
    private readonly all: Map<number, number> | null,
  ) {}

  static create(retention: 'window' | 'all', size: number): FinishTimes {
    if (retention === 'all') return new FinishTimes(null, null, 0, new Map());
    return new FinishTimes(new Float64Array(size).fill(Number.NaN), new Float64Array(size), 0, null);
  }

  static restore(state: FinishTimesState): FinishTimes {
    if (state.kind === 'all') return new FinishTimes(null, null, 0, new Map(state.entries));
    if (state.ids.length !== state.times.length || state.ids.length === 0) throw new InvalidStateError('finish-time ring is malformed');
    // JSON turns NaN (an empty slot) into null.
    const ids = Float64Array.from(state.ids, (id) => (id === null ? Number.NaN : id));
    return new FinishTimes(ids, Float64Array.from(state.times), state.next, null);
  }

  set(id: number, finish: number): void {
    if (this.all !== null) {
      this.all.set(id, finish);
      return;
    }
    const ids = this.ids as Float64Array;
    ids[this.next] = id;
    (this.times as Float64Array)[this.next] = finish;
    this.next = (this.next + 1) % ids.length;
  }

  /** The finish time of task `id`, or undefined if unknown. */
  get(id: number): number | undefined {
    if (this.all !== null) return this.all.get(id);
    const ids = this.ids as Float64Array;
    for (let i = 0; i < ids.length; i++) if (ids[i] === id) return (this.times as Float64Array)[i];
    return undefined;
  }

  toJSON(): FinishTimesState {
    if (this.all !== null) return { kind: 'all', entries: [...this.all] };
    return { kind: 'window', ids: Array.from(this.ids as Float64Array), times: Array.from(this.times as Float64Array), next: this.next };
  }
}
