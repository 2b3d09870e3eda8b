import type { ModelInfo, SimulationEngine } from '../../../engine/index.js';
import type { SimulationUpdateMessage } from '../../../live/live-messages.js';
import type { FitOutcome } from '../../fitting/forest-fit.worker.js';
import type { RetrainJob } from '../../fitting/run-trainer.service.js';
import type { EncodedBatch } from '../../../ingest/encoded-batch.js';
import type { NewModelVersion } from '../../../ingest/ingest.repository.js';
import type { RunProgress } from '../../runs.repository.js';
import type { RunSettings } from '../run-execution.js';
import type { RunSource } from '../run-source.js';
import type { PlacementInput } from '../live-run.js';
import type { WireError } from './wire-error.js';

// Messages between a run's worker thread and the main thread. Requests carry an id; the answer
// to one is a `reply` with the same id. Each side numbers its own requests.

/** The worker's state after a request: what the main thread's facade shows between requests. */
export interface WorkerState {
  processed: number;
  done: boolean;
  /** Tasks stepped since the previous state was sent (for simulation_tasks_processed_total). */
  stepped: number;
  /** The thread the engine steps on (node:worker_threads threadId; the main thread is 0). */
  threadId: number;
}

export interface FinalSummary {
  summary: ReturnType<SimulationEngine['report']>;
  relativeAccuracy: number;
}

export type MainRequest =
  /** `feed`: the worker sends the live feed's updates and retrains of the run (the continuous run). */
  | { type: 'open'; id: number; source: RunSource; settings: RunSettings; feed?: boolean }
  | { type: 'advance'; id: number; maxTasks: number }
  /** Steps at the pace of `tickMs` (PacedLoop) until halted, then drains; answered then. */
  | { type: 'loop'; id: number; tickMs: number }
  | { type: 'drain'; id: number }
  | { type: 'summary'; id: number }
  | { type: 'place'; id: number; inputs: PlacementInput[]; sequence: boolean };

/** Not answered: takes effect at the worker's next turn (a cancel halts a loop too). */
export interface CancelNotice {
  type: 'cancel';
}

/** Not answered: a loop ends after its current chunk, and its request is answered once it has drained. */
export interface HaltNotice {
  type: 'halt';
}

export type WorkerCall =
  | { type: 'call'; id: number; method: 'flush'; seq: number; batch: EncodedBatch; progress: RunProgress; mayExist: boolean }
  /** Answered with a FitOutcome: the rows are read and fitted on the main thread's side, never sent here. */
  | { type: 'call'; id: number; method: 'retrain'; args: [job: RetrainJob] }
  | { type: 'call'; id: number; method: 'insertModelVersion'; args: [version: NewModelVersion] };

/** The flush numbered `seq` will not be retried (the execution was cancelled or fenced): flushes waiting on it fail. */
export interface AbandonNotice {
  type: 'abandon';
  seq: number;
}

export interface RetrainNotice {
  type: 'retrained';
  ms: number;
}

/** The worker's state while it loops (a reply carries it otherwise). */
export interface StateNotice {
  type: 'state';
  state: WorkerState;
}

/** The live feed's message for the latest task stepped (at most one per FEED_INTERVAL_MS, and the last one when a loop ends). */
export interface UpdateNotice {
  type: 'update';
  message: SimulationUpdateMessage;
}

/** A model the run installed (not during its replay). */
export interface ModelNotice {
  type: 'model';
  info: ModelInfo;
}

export interface LogNotice {
  type: 'log';
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

export type Reply = { type: 'reply'; id: number; value?: unknown; error?: WireError; state?: WorkerState };

export type ToWorker = MainRequest | CancelNotice | HaltNotice | Reply;
export type FromWorker = WorkerCall | AbandonNotice | RetrainNotice | StateNotice | UpdateNotice | ModelNotice | LogNotice | Reply;

export type { FitOutcome, RetrainJob };
