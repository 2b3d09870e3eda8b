import type { SimulationEngine } from '../../engine/index.js';
import type { RunExecution } from './run-execution.js';
import type { FinalSummary } from './worker/protocol.js';

/** A batch run or trace replay being executed, wherever its engine steps (this thread or a worker thread). */
export interface SteppingRun {
  readonly runId: number;
  readonly processed: number;
  readonly done: boolean;
  readonly replayUntil: number;
  /** Tasks to step between two looks at the event loop. */
  readonly chunk: number;
  /** The engine when it steps on this thread (placement reads it live); null in a worker thread. */
  readonly engine: SimulationEngine | null;
  advance(maxTasks: number): Promise<number>;
  drain(): Promise<void>;
  cancel(): void;
  /** What the run's final summary is made from. */
  summary(): Promise<FinalSummary>;
  /** Frees what the execution holds (its worker thread); the run is over here. */
  close(): Promise<void>;
}

// Tasks stepped between yields to the event loop on the main thread: 1–3 ms of work, so the API
// stays responsive while the run, its flushes and its fits keep both cores busy.
const IN_PROCESS_CHUNK = 50;

/** A RunExecution stepping on this thread (SIM_WORKER_THREADS=false). */
export class InProcessRun implements SteppingRun {
  readonly chunk = IN_PROCESS_CHUNK;

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
  get engine(): SimulationEngine {
    return this.exec.engine;
  }
  advance(maxTasks: number): Promise<number> {
    return this.exec.advance(maxTasks);
  }
  drain(): Promise<void> {
    return this.exec.drain();
  }
  cancel(): void {
    this.exec.cancel();
  }
  summary(): Promise<FinalSummary> {
    const engine = this.exec.engine;
    return Promise.resolve({ summary: engine.report(), relativeAccuracy: engine.config.stats.relativeAccuracy });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
