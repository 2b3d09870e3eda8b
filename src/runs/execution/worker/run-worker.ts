// Runs in a worker thread (node:worker_threads), one per executing run (a batch run, a trace replay,
// the continuous run): steps the run's engine off the main thread's event loop. The main thread keeps the database: every
// write and read of the execution is a message to it (see WorkerRunExecution).
import { parentPort, threadId } from 'node:worker_threads';
import { Logger, type LoggerService } from '@nestjs/common';
import type { SimulationEngine, StepResult } from '../../../engine/index.js';
import { encodeBatch, transferList } from '../../../ingest/encoded-batch.js';
import type { RunBatch } from '../../../ingest/run-batch.js';
import { simulationUpdate } from '../../../live/live-messages.js';
import { engineSummary, placeOn } from '../live-run.js';
import fit from '../../fitting/forest-fit.worker.js';
import { PacedLoop } from '../paced-loop.js';
import { RunExecution, type RunDeps, type RunListener } from '../run-execution.js';
import { runParts } from '../run-source.js';
import type { FromWorker, LogNotice, MainRequest, Reply, ToWorker, WorkerCall, WorkerState } from './protocol.js';
import { fromWire, toWire } from './wire-error.js';

const port = parentPort;
if (!port) throw new Error('run-worker runs in a worker thread');

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

// The execution's log lines go to the main thread's logger.
const forward =
  (level: LogNotice['level']) =>
  (message: unknown, ...params: unknown[]): void => {
    const context = params.at(-1);
    post({ type: 'log', level, message: String(message), ...(typeof context === 'string' ? { context } : {}) });
  };
const logger: LoggerService = { log: forward('log'), error: forward('error'), warn: forward('warn'), debug: forward('debug'), verbose: forward('verbose'), fatal: forward('fatal') };
Logger.overrideLogger(logger);

let exec: RunExecution | null = null;
let loop: PacedLoop | null = null;
let stepped = 0;

// The live feed keeps at most 10 updates a second, each for the latest task: the worker sends it at
// most one every FEED_INTERVAL_MS (twice its pace, so that it always has a recent one), and the
// last one when a loop ends.
const FEED_INTERVAL_MS = 50;
let unsent: StepResult | null = null;
let lastFeedAt = 0;

function sendUpdate(engine: SimulationEngine): void {
  if (!unsent) return;
  const message = simulationUpdate(unsent, engine);
  unsent = null;
  lastFeedAt = Date.now();
  post({ type: 'update', message });
}

// What the live feed gets of a run: its tasks and retrains, except those of its replay, which the
// feed has seen already.
const feed: RunListener = {
  onStep(step, engine) {
    if (step.index < execution().replayUntil) return;
    unsent = step;
    if (Date.now() - lastFeedAt >= FEED_INTERVAL_MS) sendUpdate(engine);
  },
  onRetrain(info) {
    if (!execution().replaying) post({ type: 'model', info });
  },
};

// Calls to the main thread waiting for their reply.
let nextCall = 0;
const calls = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
type CallBody = WorkerCall extends infer C ? (C extends WorkerCall ? Omit<C, 'id'> : never) : never;
function call<T>(body: CallBody, transfer?: ArrayBuffer[]): Promise<T> {
  const id = nextCall++;
  return new Promise<T>((resolve, reject) => {
    calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
    post({ ...body, id } as WorkerCall, transfer);
  });
}

// Flushes are numbered in the order the execution makes them (its first attempt at one is made
// at once, in order); the main thread commits flush n only after flush n − 1 (see WorkerRunExecution).
const flushSeq = new WeakMap<RunBatch, number>();
let nextSeq = 0;

const deps: RunDeps = {
  writer: {
    // RunExecution hands its writer RunBatches.
    flush(runId, batch: RunBatch, progress, mayExist, previous = async () => undefined) {
      let seq = flushSeq.get(batch);
      if (seq === undefined) {
        seq = nextSeq++;
        flushSeq.set(batch, seq);
        // `previous` fails only when the flush before is given up: the main thread must not wait for it.
        const before = seq - 1;
        if (before >= 0) previous().catch(() => post({ type: 'abandon', seq: before }));
      }
      // Encoded here, off the main thread, at each attempt: a sent attempt's buffer has moved away.
      const encoded = encodeBatch(runId, batch);
      return call<void>({ type: 'call', method: 'flush', seq, batch: encoded, progress, mayExist }, transferList(encoded));
    },
    insertModelVersion: (...args) => call({ type: 'call', method: 'insertModelVersion', args }),
  },
  trainer: { retrain: (...args) => call({ type: 'call', method: 'retrain', args }) },
  // This thread is the run's own: a fit here blocks nobody else's event loop.
  fitHere: fit,
  metrics: {
    taskProcessed: () => void stepped++,
    // The main thread times its writes itself.
    flushed: () => undefined,
    retrained: (ms) => post({ type: 'retrained', ms }),
  },
};

function state(): WorkerState {
  const s = { processed: exec?.processed ?? 0, done: exec?.done ?? false, stepped, threadId };
  stepped = 0;
  return s;
}

function execution(): RunExecution {
  if (!exec) throw new Error('the run was not opened in this worker');
  return exec;
}

async function answer(request: MainRequest): Promise<unknown> {
  switch (request.type) {
    case 'open': {
      const parts = runParts(request.source);
      exec = new RunExecution(request.source.runId, parts.engine, parts.tasks, parts.total, request.settings, { ...deps, listener: request.feed ? feed : undefined }, parts.resume);
      return exec.replayUntil;
    }
    case 'advance':
      return execution().advance(request.maxTasks);
    case 'loop': {
      const running = execution();
      if (loop) throw new Error(`run ${running.runId}: it is looping already`);
      loop = new PacedLoop(running, request.tickMs);
      try {
        await loop.run(() => post({ type: 'state', state: state() }));
      } finally {
        loop = null;
        sendUpdate(running.engine);
      }
      return running.processed;
    }
    case 'drain':
      return execution().drain();
    case 'summary':
      return engineSummary(execution().engine);
    case 'place':
      return placeOn(execution().engine, request.inputs, request.sequence);
  }
}

function settle(reply: Reply): void {
  const waiting = calls.get(reply.id);
  if (!waiting) return;
  calls.delete(reply.id);
  if (reply.error) waiting.reject(fromWire(reply.error));
  else waiting.resolve(reply.value);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'reply') return settle(message);
  if (message.type === 'halt') return loop?.halt();
  if (message.type === 'cancel') {
    exec?.cancel();
    return loop?.halt();
  }
  answer(message).then(
    (value) => post({ type: 'reply', id: message.id, value, state: state() }),
    (e: unknown) => post({ type: 'reply', id: message.id, error: toWire(e), state: state() }),
  );
});
