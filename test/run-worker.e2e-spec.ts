import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { encodeBatch, type EncodedBatch } from '../src/ingest/encoded-batch.js';
import type { NewModelVersion } from '../src/ingest/ingest.repository.js';
import { RunBatch } from '../src/ingest/run-batch.js';
import { SimulationEngine } from '../src/engine/index.js';
import fit from '../src/runs/fitting/forest-fit.worker.js';
import type { RetrainJob } from '../src/runs/fitting/run-trainer.service.js';
import { FencedError } from '../src/runs/execution/fence.js';
import { RunExecution, type RunDeps, type RunSettings } from '../src/runs/execution/run-execution.js';
import { runParts, type RunSource } from '../src/runs/execution/run-source.js';
import { WorkerRunExecution, type WorkerHost } from '../src/runs/execution/worker/worker-run-execution.js';
import type { RunProgress } from '../src/runs/runs.repository.js';
import { RunCatalog } from '../src/runs/run-catalog.service.js';
import { ContinuousRunService } from '../src/runs/continuous-run.service.js';
import { InProcessRun } from '../src/runs/execution/stepping-run.js';
import { query } from './support/database.js';
import { until } from './support/progress.js';
import { postJson, rowCounts, storedResults, waitForRun } from './support/runs.js';
import { BUILT_RUN_WORKER, useTestApp } from './support/test-app.js';

// The facade against the built worker script (`npm run build` first), with the main thread's
// store and trainer replaced by recorders: no database is needed to see where the engine steps
// and what crosses between the threads.

const SETTINGS: RunSettings = { flushTasks: 100, flushMs: 3_600_000, windowSize: 50, checkpointEvery: 500, checkpointMs: 3_600_000, holdoutFraction: 0.2 };

// No hybrid_ml: nothing to train, so the run needs no training rows.
function source(tasks: number, seed = 5): RunSource {
  const engine = { seed, strategies: ['round_robin', 'greedy', 'eft', 'oracle'], learning: { mode: 'external' } };
  return { runId: 9, run: { kind: 'batch', status: 'queued', config: { engine }, tasksTotal: tasks, tasksProcessed: 0, checkpoint: null }, tasks: null, retrainLag: 10 };
}

interface Written {
  batch: EncodedBatch;
  progress: RunProgress;
}

/** A store that records each committed flush in commit order; `before` runs first in each flush (a test's hook). */
function recorder(before?: (call: number, progress: RunProgress) => Promise<void>) {
  const written: Written[] = [];
  let calls = 0;
  const writer = {
    // A run in a worker thread sends its batches encoded; one stepped here hands over RunBatches, encoded as RunStore does.
    flush: async (runId: number, batch: RunBatch | EncodedBatch, progress: RunProgress, _mayExist: boolean, previous: () => Promise<void> = async () => undefined) => {
      await before?.(calls++, progress);
      await previous();
      written.push({ batch: batch instanceof RunBatch ? encodeBatch(runId, batch) : batch, progress: JSON.parse(JSON.stringify(progress)) as RunProgress });
    },
    insertModelVersion: async () => undefined,
  };
  const host: WorkerHost = { writer: writer as unknown as WorkerHost['writer'], trainer: { retrain: () => Promise.reject(new Error('no fits here')) } };
  return { written, host };
}

// With hybrid_ml: retrains after tasks 100, 200 …, each model in effect 10 tasks later.
function learningSource(tasks: number): RunSource {
  const engine = { seed: 5, strategies: ['greedy', 'hybrid_ml'], learning: { mode: 'external', minSamples: 100, retrainInterval: 100, forest: { nTrees: 3 } } };
  return { ...source(tasks), run: { ...source(tasks).run, config: { engine } } };
}

/** A host whose trainer fits a fixed set of labelled rows for real, recording every call the worker makes. */
function trainingRecorder() {
  const engine = SimulationEngine.create({ seed: 2, strategies: ['greedy'], learning: { mode: 'external' } });
  for (let i = 0; i < 60; i++) engine.step(engine.nextTask());
  const rows = engine.trainingWindow();
  const calls: string[] = [];
  const answered: unknown[] = [];
  const stored: NewModelVersion[] = [];
  const writer = {
    flush: async () => void calls.push('flush'),
    insertModelVersion: async (v: NewModelVersion) => {
      calls.push('insertModelVersion');
      stored.push(v);
    },
  };
  const trainer = {
    retrain: async (job: RetrainJob) => {
      calls.push('retrain');
      const outcome = fit({ rows, options: job.options, holdoutFraction: job.holdoutFraction });
      answered.push(outcome.model);
      return outcome;
    },
  };
  const host: WorkerHost = { writer: writer as unknown as WorkerHost['writer'], trainer };
  return { host, calls, answered, stored };
}

async function runToEnd(exec: { done: boolean; advance(n: number): Promise<number>; drain(): Promise<void> }, chunk: number): Promise<void> {
  while (!exec.done) if ((await exec.advance(chunk)) === 0) break;
  await exec.drain();
}

describe('a run stepping in a worker thread', () => {
  const open: WorkerRunExecution[] = [];
  const start = async (src: RunSource, host: WorkerHost, script = BUILT_RUN_WORKER) => {
    const exec = await WorkerRunExecution.start(script, src, SETTINGS, host);
    open.push(exec);
    return exec;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });

  it('steps on a thread other than the main one and writes the rows of the same run stepped here', async () => {
    const inWorker = recorder();
    const exec = await start(source(2_000), inWorker.host);
    await runToEnd(exec, 1000);

    const here = recorder();
    const parts = runParts(source(2_000));
    const local = new RunExecution(9, parts.engine, parts.tasks, parts.total, SETTINGS, { writer: here.host.writer, trainer: here.host.trainer } as RunDeps, parts.resume);
    await runToEnd(local, 1000);

    expect(threadId).toBe(0);
    expect(exec.steppedOn).toBeGreaterThan(0);
    expect(exec.processed).toBe(2_000);
    expect(exec.done).toBe(true);
    // Every batch, progress and checkpoint (the engine's state included) equals the in-process run's.
    expect(inWorker.written.length).toBe(here.written.length);
    expect(inWorker.written).toEqual(here.written);
    expect((await exec.summary()).summary).toEqual(local.engine.report());
  });

  it('fits in its own thread the retrains whose rows it stepped: no flush, read or call for them, the models an execution here fits', async () => {
    const inWorker = trainingRecorder();
    const exec = await start(learningSource(450), inWorker.host);
    await runToEnd(exec, 1000);

    // The same run on this thread, fitting here too (the app-level suites below check these rows
    // equal the ones the database answers).
    const here = trainingRecorder();
    const parts = runParts(learningSource(450));
    const local = new RunExecution(9, parts.engine, parts.tasks, parts.total, SETTINGS, { writer: here.host.writer, trainer: here.host.trainer, fitHere: fit }, parts.resume);
    await runToEnd(local, 1000);

    // Retrains after tasks 100 … 400: a stored model each, no call to the trainer, and no flush of their own
    // (flushes every 100 tasks, the last with the final checkpoint).
    expect(inWorker.calls.filter((c) => c !== 'flush')).toEqual(Array.from({ length: 4 }, () => 'insertModelVersion'));
    expect(inWorker.calls.filter((c) => c === 'flush')).toHaveLength(5);
    expect(inWorker.stored.map(({ durationMs: _, ...v }) => v)).toEqual(here.stored.map(({ durationMs: _, ...v }) => v));
    expect((await exec.summary()).summary).toEqual(local.engine.report());
  });

  it('asks the main thread, in one call, for a retrain whose rows were stepped before it was reopened; its answer is the model installed and stored', async () => {
    // A checkpoint at task 100 with the retrain due there pending, and a training window of 150 tasks:
    // the reopened run has not stepped the rows of the retrains at 100 and 200, it has those of 300 and 400.
    const windowed = learningSource(450);
    const engine = windowed.run.config.engine as { learning: Record<string, unknown> };
    engine.learning = { ...engine.learning, trainingWindow: 150 };
    const stepped = runParts(windowed).engine;
    for (let i = 0; i < 100; i++) stepped.step(stepped.nextTask());
    const reopened: RunSource = { ...windowed, run: { ...windowed.run, status: 'running', tasksProcessed: 100, checkpoint: { taskIndex: 100, engine: stepped.snapshot(), pendingRetrainAt: 100, fitsInFlight: [] } } };
    const inWorker = trainingRecorder();
    const exec = await start(reopened, inWorker.host);
    await runToEnd(exec, 1000);

    // Two retrains through the trainer, the two after them here.
    expect(inWorker.calls.filter((c) => c !== 'flush')).toEqual(['retrain', 'insertModelVersion', 'retrain', 'insertModelVersion', 'insertModelVersion', 'insertModelVersion']);
    expect(inWorker.stored.slice(0, 2).map((v) => v.model)).toEqual(inWorker.answered);
    expect(inWorker.stored.map((v) => v.trainedAtTask)).toEqual([100, 200, 300, 400]);
  });

  it('commits flushes in order: a flush waits for the one before it, also while that one is retried', async () => {
    let failFirst = true;
    const { written, host } = recorder(async (call) => {
      if (call === 0 && failFirst) {
        failFirst = false;
        throw new Error('connection terminated');
      }
    });
    const exec = await start(source(1_000), host);
    await runToEnd(exec, 1000);

    expect(written.map((w) => w.progress.tasksProcessed)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1000]);
  });

  it('stops with a FencedError when the main thread is fenced off, committing nothing more', async () => {
    const { written, host } = recorder(async (_call, progress) => {
      if (progress.tasksProcessed > 300) throw new FencedError(9, 'another execution claimed the run');
    });
    const exec = await start(source(1_000), host);

    const failure = await runToEnd(exec, 1000).then(() => null, (e: unknown) => e);

    expect(failure).toBeInstanceOf(FencedError);
    expect((failure as Error).message).toBe('run 9: another execution claimed the run; this process stops executing it without writing');
    expect(written.map((w) => w.progress.tasksProcessed)).toEqual([100, 200, 300]);
  });

  it('fails the request waiting on it when its worker thread dies, and every later one', async () => {
    // The real worker, whose thread throws when it is asked to step 13 tasks.
    const script = path.join(tmpdir(), `crashing-run-worker-${process.pid}.mjs`);
    writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
      import ${JSON.stringify(pathToFileURL(BUILT_RUN_WORKER).href)};
      parentPort.on('message', (m) => { if (m.type === 'advance' && m.maxTasks === 13) throw new Error('boom'); });`,
    );
    const exec = await start(source(1_000), recorder().host, script);
    await exec.advance(10);

    await expect(exec.advance(13)).rejects.toThrow('run 9: its worker thread failed: boom');
    await expect(exec.drain()).rejects.toThrow('its worker thread failed');
  });

  it('reports a run it cannot open as an error of the open', async () => {
    const broken = source(10);
    broken.run.checkpoint = { taskIndex: 5, engine: { not: 'an engine' }, pendingRetrainAt: null };

    await expect(start(broken, recorder().host)).rejects.toThrow();
  });
});

describe('batch runs in the app, with and without worker threads', () => {
  const withThreads = useTestApp('run_worker_on', { SIM_BATCH_RETRAIN_INTERVAL: '500', SIM_BATCH_RETRAIN_LAG: '200' });
  const withoutThreads = useTestApp('run_worker_off', { SIM_BATCH_RETRAIN_INTERVAL: '500', SIM_BATCH_RETRAIN_LAG: '200', SIM_WORKER_THREADS: 'false' });

  it('store the same rows, models and summary either way (hybrid_ml retrains through the worker too)', async () => {
    const body = { kind: 'batch', tasks: 3_000, seed: 21 };
    const [on, off] = await Promise.all([postJson(`${withThreads.url}/api/simulation/runs`, body), postJson(`${withoutThreads.url}/api/simulation/runs`, body)]);
    const [doneOn, doneOff] = await Promise.all([waitForRun(withThreads.url, on.body.id, 120_000), waitForRun(withoutThreads.url, off.body.id, 120_000)]);

    expect(doneOn.tasksProcessed).toBe(3_000);
    expect(await rowCounts(withThreads.databaseUrl, on.body.id)).toEqual(await rowCounts(withoutThreads.databaseUrl, off.body.id));
    expect((await rowCounts(withThreads.databaseUrl, on.body.id)).models).toBeGreaterThan(1);
    expect(await storedResults(withThreads.databaseUrl, on.body.id)).toEqual(await storedResults(withoutThreads.databaseUrl, off.body.id));
    // The models themselves too.
    const models = (sut: typeof withThreads, runId: number) =>
      query(sut.databaseUrl, 'SELECT version, trained_at_task, samples, r2, mae, feature_importances, model FROM model_versions WHERE run_id = $1 ORDER BY version', [runId]);
    expect(await models(withThreads, on.body.id)).toEqual(await models(withoutThreads, off.body.id));
    expect(doneOn.summary).toEqual(doneOff.summary);
  }, 180_000);

  it('leave no engine of an executing batch on the main thread when on, and do when off', async () => {
    const live = async (sut: typeof withThreads) => {
      const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 1_000_000, seed: 3 });
      try {
        const progress = async () => ((await (await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`)).json()) as { tasksProcessed: number }).tasksProcessed;
        while ((await progress()) === 0) await new Promise((r) => setTimeout(r, 20));
        return sut.app.get(RunCatalog).liveRun(created.body.id as number) !== null;
      } finally {
        expect((await fetch(`${sut.url}/api/simulation/runs/${created.body.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
      }
    };

    expect(await live(withThreads)).toBe(false);
    expect(await live(withoutThreads)).toBe(true);
  }, 120_000);
});

describe('the continuous run in the app, with and without worker threads', () => {
  // Fast, with retrains (hybrid_ml's models come through the worker) and small flushes.
  const settings = { SIM_TICK_MS: '0', SIM_SEED: '17', SIM_RETRAIN_INTERVAL: '250', SIM_RETRAIN_LAG: '60', SIM_FLUSH_TASKS: '100', SIM_CHECKPOINT_TASKS: '1000' };
  const withThreads = useTestApp('continuous_worker_on', settings);
  const withoutThreads = useTestApp('continuous_worker_off', { ...settings, SIM_WORKER_THREADS: 'false' });
  type Sut = typeof withThreads;
  const command = async (sut: Sut, what: string) => (await postJson(`${sut.url}/api/simulation/${what}`, {})).body as { runId: number; tasksProcessed: number; isPaused: boolean };
  const status = async (sut: Sut) => (await (await fetch(`${sut.url}/api/simulation/status`)).json()) as { runId: number; tasksProcessed: number; isRunning: boolean };
  const committed = async (sut: Sut, runId: number) =>
    (await query<{ n: number }>(sut.databaseUrl, 'SELECT tasks_processed::int AS n FROM simulation_state WHERE id = $1', [runId]))[0].n;
  const resultsBelow = async (sut: Sut, runId: number, n: number) => (await storedResults(sut.databaseUrl, runId)).filter((r) => Number(r.task_id) < n);
  const modelsBelow = (sut: Sut, runId: number, n: number) =>
    query(sut.databaseUrl, 'SELECT version, trained_at_task, samples, r2, mae, model FROM model_versions WHERE run_id = $1 AND trained_at_task < $2 ORDER BY version', [runId, n]);

  it('steps in a worker thread when on and on the main thread when off; pause, resume and stop reach it; the same rows either way', async () => {
    const runs = await Promise.all([withThreads, withoutThreads].map(async (sut) => {
      const { runId } = await command(sut, 'start');
      await until(async () => (await status(sut)).tasksProcessed >= 1_000, 120_000, 'a thousand tasks');
      return runId;
    }));

    const onThreads = withThreads.app.get(ContinuousRunService).live as WorkerRunExecution;
    expect(onThreads).toBeInstanceOf(WorkerRunExecution);
    expect(onThreads.steppedOn).toBeGreaterThan(0);
    expect(onThreads.steppedOn).not.toBe(threadId);
    expect(withoutThreads.app.get(ContinuousRunService).live).toBeInstanceOf(InProcessRun);

    for (const [i, sut] of [withThreads, withoutThreads].entries()) {
      // Paused: the worker has stopped and written everything; the status reads what is committed.
      const paused = await command(sut, 'pause');
      expect(paused.isPaused).toBe(true);
      expect(paused.tasksProcessed).toBe(await committed(sut, runs[i]));
      await new Promise((r) => setTimeout(r, 300));
      expect((await status(sut)).tasksProcessed).toBe(paused.tasksProcessed);
      // Resumed: it steps on from there.
      await command(sut, 'resume');
      await until(async () => (await status(sut)).tasksProcessed > paused.tasksProcessed + 500, 120_000, 'steps after the resume');
      const stopped = await command(sut, 'stop');
      expect(stopped.runId).toBeNull();
    }
    expect((withThreads.app.get(ContinuousRunService).live)).toBeNull();

    // Both stopped where they were: the rows they share are the same, and so are the models.
    const [on, off] = await Promise.all([committed(withThreads, runs[0]), committed(withoutThreads, runs[1])]);
    const shared = Math.min(on, off);
    expect(shared).toBeGreaterThan(1_500);
    expect(await resultsBelow(withThreads, runs[0], shared)).toEqual(await resultsBelow(withoutThreads, runs[1], shared));
    const models = await modelsBelow(withThreads, runs[0], shared);
    expect(models.length).toBeGreaterThan(1);
    expect(models).toEqual(await modelsBelow(withoutThreads, runs[1], shared));
    // Its summary, made in the worker, is stored with it.
    const [{ status: stored, summary }] = await query<{ status: string; summary: unknown[] }>(withThreads.databaseUrl, 'SELECT status, summary FROM simulation_state WHERE id = $1', [runs[0]]);
    expect(stored).toBe('stopped');
    expect(summary.length).toBeGreaterThan(0);
  }, 300_000);
});
