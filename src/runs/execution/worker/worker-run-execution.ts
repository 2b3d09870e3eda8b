import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { isFitFailure } from '../../fitting/fit-failed.error.js';
import type { RunTrainer } from '../../fitting/run-trainer.service.js';
import type { RunMetricsSink, RunSettings } from '../run-execution.js';
import type { RunSource } from '../run-source.js';
import type { RunStore } from '../run-store.js';
import type { RunFeed, SteppingRun } from '../stepping-run.js';
import { FencedError, type Fence } from '../fence.js';
import type { Placed, PlacementInput } from '../live-run.js';
import type { FinalSummary, FromWorker, MainRequest, ToWorker, WorkerCall, WorkerState } from './protocol.js';
import { fromWire, toWire, type WireError } from './wire-error.js';

/** The run worker script's path, when it is not the compiled one beside this file (see AppOptions.runWorker). */
export const RUN_WORKER = Symbol('RUN_WORKER');

// A worker thread runs JavaScript: the compiled script beside the compiled facade.
export const RUN_WORKER_BESIDE = fileURLToPath(new URL('./run-worker.js', import.meta.url));

// Tasks a worker steps per request: it blocks no event loop but its own, so a request is worth
// more work than a main-thread chunk; still short enough that a cancel is seen within milliseconds.
const WORKER_CHUNK = 1000;

/** What the main thread does for an execution in a worker thread: its writes and retrains, with its fence. */
export interface WorkerHost {
  writer: Pick<RunStore, 'flush' | 'insertModelVersion'>;
  trainer: Pick<RunTrainer, 'retrain'>;
  fence?: Fence;
  metrics?: RunMetricsSink;
  /** The live feed of the run (the continuous run's): the worker sends its updates and retrains. */
  feed?: RunFeed;
}

class Deferred {
  resolve!: () => void;
  reject!: (e: Error) => void;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  constructor() {
    // Only a flush after this one waits on it; a rejection nobody waits for is no error.
    this.promise.catch(() => undefined);
  }
}

/**
 * A run executing in its own worker thread (RunExecution, unchanged, steps there); the main thread
 * writes. The worker's flushes arrive encoded, ready for pg (their COPY text a transferred
 * buffer), at most two in flight (the execution's backpressure), and commit in order: flush n's
 * transaction waits for flush n − 1's commit, as RunExecution's own chain does on one thread. A worker that dies fails the requests
 * waiting on it, so the run's job fails as on an execution error. A batch run is driven by
 * 'advance' requests; the continuous run paces itself in the worker ('loop', until 'halt'),
 * reporting its progress and sending the live feed's messages as it goes.
 */
export class WorkerRunExecution implements SteppingRun {
  readonly chunk = WORKER_CHUNK;
  readonly engine = null;
  private readonly logger = new Logger(WorkerRunExecution.name);
  private readonly worker: Worker;
  private readonly requests = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  private nextRequest = 0;
  // Flush n's commit, awaited by flush n + 1's transaction.
  private readonly commits = new Map<number, Deferred>();
  private dead: Error | null = null;
  private closed = false;
  private state: WorkerState = { processed: 0, done: false, stepped: 0, threadId: -1 };
  replayUntil = 0;
  /** Set while the run's writes fail here (the database is away); cleared by the next success. */
  stalled: string | null = null;

  private constructor(
    readonly runId: number,
    script: string,
    private readonly host: WorkerHost,
  ) {
    this.worker = new Worker(script, { name: `run-${runId}` });
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (e) => this.die(new Error(`run ${runId}: its worker thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => this.die(new Error(`run ${runId}: its worker thread exited (code ${code})`)));
  }

  /** Starts a worker thread and opens the run there from `source`. */
  static async start(script: string, source: RunSource, settings: RunSettings, host: WorkerHost): Promise<WorkerRunExecution> {
    const exec = new WorkerRunExecution(source.runId, script, host);
    try {
      exec.replayUntil = (await exec.request({ type: 'open', source, settings, feed: host.feed !== undefined })) as number;
    } catch (e) {
      await exec.close();
      throw e;
    }
    return exec;
  }

  get processed(): number {
    return this.state.processed;
  }

  get done(): boolean {
    return this.state.done;
  }

  /** The thread the run's engine steps on, as the worker reports it (never 0, the main thread's). */
  get steppedOn(): number {
    return this.state.threadId;
  }

  async advance(maxTasks: number): Promise<number> {
    return (await this.request({ type: 'advance', maxTasks })) as number;
  }

  async loop(tickMs: number): Promise<void> {
    await this.request({ type: 'loop', tickMs });
  }

  halt(): void {
    this.send({ type: 'halt' });
  }

  async drain(): Promise<void> {
    await this.request({ type: 'drain' });
  }

  cancel(): void {
    this.send({ type: 'cancel' });
  }

  async summary(): Promise<FinalSummary> {
    return (await this.request({ type: 'summary' })) as FinalSummary;
  }

  /** Placed by the worker between two chunks of steps, on its engine as it is then. */
  async place(inputs: readonly PlacementInput[], sequence: boolean): Promise<Placed> {
    return (await this.request({ type: 'place', inputs: [...inputs], sequence })) as Placed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.die(new Error(`run ${this.runId}: its execution was closed`));
    await this.worker.terminate();
  }

  private send(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.dead === null) this.worker.postMessage(message, transfer);
  }

  private request(body: MainRequest extends infer R ? (R extends MainRequest ? Omit<R, 'id'> : never) : never): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.send({ ...body, id } as MainRequest);
    });
  }

  /** The worker is gone (or going): what waits on it fails, nothing more is sent. */
  private die(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const { reject } of this.requests.values()) reject(e);
    this.requests.clear();
    for (const commit of this.commits.values()) commit.reject(e);
    this.commits.clear();
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'reply': {
        const waiting = this.requests.get(message.id);
        if (!waiting) return;
        this.requests.delete(message.id);
        if (message.state) this.observe(message.state);
        if (message.error) waiting.reject(fromWire(message.error));
        else waiting.resolve(message.value);
        return;
      }
      case 'call':
        this.answer(message).then(
          (value) => {
            this.stalled = null;
            this.send({ type: 'reply', id: message.id, value });
          },
          (e: unknown) => {
            // The worker retries a failed write or read with backoff (RunExecution.retrying): the run
            // stalls meanwhile. A failed fit or a fence is not retried: the run fails or stops.
            if (!(e instanceof FencedError) && !isFitFailure(e)) this.stalled = (e as Error).message;
            this.send({ type: 'reply', id: message.id, error: toWire(e) satisfies WireError });
          },
        );
        return;
      case 'state':
        this.observe(message.state);
        return;
      case 'update':
        this.host.feed?.update(() => message.message);
        return;
      case 'model':
        this.host.feed?.retrain(message.info);
        return;
      case 'abandon':
        this.commit(message.seq).reject(new Error(`run ${this.runId}: the flush before this one was given up`));
        return;
      case 'retrained':
        this.host.metrics?.retrained(message.ms);
        return;
      case 'log':
        new Logger(message.context ?? WorkerRunExecution.name)[message.level](message.message);
        return;
    }
  }

  private observe(state: WorkerState): void {
    this.state = state;
    const metrics = this.host.metrics;
    if (metrics) for (let i = 0; i < state.stepped; i++) metrics.taskProcessed();
  }

  private commit(seq: number): Deferred {
    let commit = this.commits.get(seq);
    if (!commit) {
      commit = new Deferred();
      if (this.dead) commit.reject(this.dead);
      else this.commits.set(seq, commit);
    }
    return commit;
  }

  private async answer(call: WorkerCall): Promise<unknown> {
    const { writer, trainer } = this.host;
    switch (call.method) {
      case 'flush': {
        const previous = call.seq === 0 ? Promise.resolve() : this.commit(call.seq - 1).promise;
        const started = performance.now();
        await writer.flush(this.runId, call.batch, call.progress, call.mayExist, () => previous, this.host.fence);
        this.host.metrics?.flushed(performance.now() - started, call.batch.rows);
        this.commit(call.seq).resolve();
        this.commits.delete(call.seq - 1);
        return undefined;
      }
      case 'retrain':
        return trainer.retrain(...call.args);
      case 'insertModelVersion':
        return writer.insertModelVersion(...call.args);
    }
  }
}
