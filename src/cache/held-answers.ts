import { LRUCache } from 'lru-cache';
import { share } from './shared-answer.js';

// Answers kept in process memory, one per read (its latest version), the most recently used
// first: up to this many list items in all (a comparative page of 1,000 tasks is ~2 MB, so at
// most ~40 MB).
const LOCAL_ITEMS = 20_000;

/** The read an answer kept in process memory answers: its run, the run's version then, and the read. */
export interface AnswerOrigin {
  readonly runId: number;
  readonly version: number;
  /** The read, whatever the version: `run:<id>:<name>:<params>`. */
  readonly read: string;
}

/** The latest answer this process holds for one read, and what it knows of it. */
export interface Held {
  readonly value: unknown;
  readonly version: number;
  /** When its computation started (by the run cache's clock): its data is at least this recent. */
  readonly at: number;
  /** A refresh of it failed since: given longer (the run cache's STALE_IF_ERROR_MS), refreshed no sooner than this. */
  failedUntil?: number;
}

const localSize = (held: Held): number => {
  const value = held.value as { items?: unknown } | null;
  const items = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? value.items : undefined;
  return 1 + (Array.isArray(items) ? items.length : 0);
};

/**
 * The answers the run cache keeps in process memory: the latest one per read, bounded by
 * LOCAL_ITEMS list items, and the read each came from (what the HTTP fast path asks through
 * RunCacheService.originOf). Kept answers are frozen (see share). Whether one may be given is the
 * run cache's to decide.
 */
export class HeldAnswers {
  private readonly held = new LRUCache<string, Held>({ maxSize: LOCAL_ITEMS, sizeCalculation: localSize });
  // Where each answer kept came from; null when one object was kept for two reads.
  private readonly origins = new WeakMap<object, AnswerOrigin | null>();

  /** The answer held for `read`, now the most recently used. */
  get(read: string): Held | undefined {
    return this.held.get(read);
  }

  /** Keeps `value`, computed from `at` on under `origin.version`, unless a later answer to the read is held. */
  keep(origin: AnswerOrigin, value: unknown, at: number): void {
    const { read, version } = origin;
    const held = this.held.peek(read);
    // A slow computation of an earlier version must not replace a later answer.
    if (held && (held.version > version || (held.version === version && held.at > at))) return;
    if (typeof value === 'object' && value !== null) {
      share(value);
      // One object kept for two reads (a shared constant) cannot tell which read it answers.
      const known = this.origins.get(value);
      this.origins.set(value, known === undefined || known?.read === read ? origin : null);
    }
    this.held.set(read, { value, version, at });
  }

  /** Forgets `held`, unless another answer to the read replaced it since. */
  drop(read: string, held: Held): void {
    if (this.held.peek(read) === held) this.held.delete(read);
  }

  /** The read `answer` was kept for; undefined for a value never kept, or kept for two reads. */
  originOf(answer: object): AnswerOrigin | undefined {
    return this.origins.get(answer) ?? undefined;
  }
}
