import type { ModelInfo, SimulationEngine } from '../../engine/index.js';
import { simulationUpdate, type SimulationUpdateMessage } from '../../live/live-messages.js';
import { engineSummary, placeOn, type LiveRun, type Placed, type PlacementInput } from './live-run.js';
import { PacedLoop } from './paced-loop.js';
import type { RunExecution, RunListener } from './run-execution.js';
import type { FinalSummary } from './worker/protocol.js';

/** A run being executed, wherever its engine steps (this thread or a worker thread). */
export interface SteppingRun extends LiveRun {
  readonly runId: number;
  readonly processed: number;
  readonly done: boolean;
  readonly replayUntil: number;
  /** Set while the run's writes fail (the database is away); cleared by the next success. */
  readonly stalled: string | null;
  /** Tasks to step between two looks at the event loop. */
  readonly chunk: number;
  /** The engine when it steps on this thread (placement reads it live); null in a worker thread. */
  readonly engine: SimulationEngine | null;
  advance(maxTasks: number): Promise<number>;
  /** Steps at the pace of `tickMs` (see PacedLoop) until halt, then writes what is buffered. */
  loop(tickMs: number): Promise<void>;
  /** Ends a loop after its current chunk. */
  halt(): void;
  drain(): Promise<void>;
  cancel(): void;
  /** Frees what the execution holds (its worker thread); the run is over here. */
  close(): Promise<void>;
}

/**
 * Where the live feed gets a run's tasks and retrains (the continuous run's), not those of its
 * replay after a restart. `update` builds the message of the latest task when it is called (a
 * run stepping here) or hands over the one its worker thread built.
 */
export interface RunFeed {
  update(message: () => SimulationUpdateMessage): void;
  retrain(info: ModelInfo): void;
}

/** The RunListener that feeds `feed` from an execution on this thread (`exec` is set once it exists). */
export function feedListener(feed: RunFeed, exec: () => RunExecution): RunListener {
  return {
    onStep: (step, engine) => {
      if (step.index >= exec().replayUntil) feed.update(() => simulationUpdate(step, engine));
    },
    onRetrain: (info) => {
      if (!exec().replaying) feed.retrain(info);
    },
  };
}

// Tasks stepped between yields to the event loop on the main thread: 1–3 ms of work, so the API
// stays responsive while the run, its flushes and its fits keep both cores busy.
const IN_PROCESS_CHUNK = 50;

/** A RunExecution stepping on this thread (SIM_WORKER_THREADS=false). */
export class InProcessRun implements SteppingRun {
  readonly chunk = IN_PROCESS_CHUNK;
  private paced: PacedLoop | null = null;

  constructor(private readonly exec: RunExecution) {}

  get runId(): number {
    return this.exec.runId;
  }
  get processed(): number {
    return this.exec.processed;
  }
  get done(): boolean {
    return this.exec.done;
  }
  get replayUntil(): number {
    return this.exec.replayUntil;
  }
  get stalled(): string | null {
    return this.exec.stalled;
  }
  get engine(): SimulationEngine {
    return this.exec.engine;
  }
  advance(maxTasks: number): Promise<number> {
    return this.exec.advance(maxTasks);
  }
  async loop(tickMs: number): Promise<void> {
    if (this.paced) throw new Error(`run ${this.runId}: it is looping already`);
    this.paced = new PacedLoop(this.exec, tickMs);
    try {
      await this.paced.run();
    } finally {
      this.paced = null;
    }
  }
  halt(): void {
    this.paced?.halt();
  }
  drain(): Promise<void> {
    return this.exec.drain();
  }
  cancel(): void {
    this.exec.cancel();
  }
  place(inputs: readonly PlacementInput[], sequence: boolean): Promise<Placed> {
    return Promise.resolve(placeOn(this.exec.engine, inputs, sequence));
  }
  summary(): Promise<FinalSummary> {
    return Promise.resolve(engineSummary(this.exec.engine));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
