import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { NotFound } from '../common/app-errors.js';
import { onRunEvent, RUN_DATA_CHANGED, type RunDataChanged } from './run-events.js';
import { RunsRepository } from './runs.repository.js';

// How long the continuous run's id is trusted before PostgreSQL is asked again: another process's
// new continuous run is seen within this delay, as another process's flush is by the read cache.
const CONTINUOUS_MEMO_MS = 100;

/** Which run a read is about: the one named, which must exist, or else the continuous run. */
@Injectable()
export class RunScope implements OnModuleInit {
  private continuous: { id: number; until: number } | null = null;
  private lookup: Promise<number | undefined> | null = null;
  // Bumped by forgetContinuous: a lookup that began before it does not leave its answer behind.
  private generation = 0;

  /** Wall-clock ms (a test sets its own). */
  clock: () => number = Date.now;

  constructor(
    private readonly runs: RunsRepository,
    private readonly emitter: EventEmitter2,
  ) {}

  onModuleInit(): void {
    onRunEvent(this.emitter, RUN_DATA_CHANGED, (event) => this.onRunDataChanged(event));
  }

  /** `runId` when given (not checked here: see assertExists), else the latest continuous run; 404 when there is none. */
  async resolve(runId: number | undefined): Promise<number> {
    if (runId !== undefined) return runId;
    const continuous = await this.latestContinuousId();
    if (continuous === undefined) throw new NotFound('continuous run', '(none yet)');
    return continuous;
  }

  /** The continuous run's id while its memo holds (no query), else undefined. */
  peekContinuous(): number | undefined {
    const memo = this.continuous;
    return memo && memo.until > this.clock() ? memo.id : undefined;
  }

  /** 404 when no run has this id. */
  async assertExists(runId: number): Promise<void> {
    if (!(await this.runs.exists(runId))) throw new NotFound('run', runId);
  }

  /** A continuous run was created, or a run deleted, in this process: the next read asks PostgreSQL. */
  private onRunDataChanged(event: RunDataChanged): void {
    if (event.change === 'deleted' || (event.change === 'created' && event.kind === 'continuous')) this.forgetContinuous();
  }

  private forgetContinuous(): void {
    this.continuous = null;
    this.lookup = null;
    this.generation++;
  }

  // Concurrent reads share one query; a found id is kept for CONTINUOUS_MEMO_MS ("none" is not kept).
  private latestContinuousId(): Promise<number | undefined> {
    const memo = this.peekContinuous();
    if (memo !== undefined) return Promise.resolve(memo);
    if (this.lookup) return this.lookup;
    const generation = this.generation;
    const lookup = this.runs.latestContinuousId().then(
      (id) => {
        if (generation === this.generation) {
          this.continuous = id === undefined ? null : { id, until: this.clock() + CONTINUOUS_MEMO_MS };
          this.lookup = null;
        }
        return id;
      },
      (e: unknown) => {
        if (generation === this.generation) this.lookup = null;
        throw e;
      },
    );
    this.lookup = lookup;
    return lookup;
  }
}
