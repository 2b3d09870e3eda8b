import { SimulationEngine } from '../../engine/index.js';
import { FitFailedError } from '../fitting/fit-failed.error.js';
import fit from '../fitting/forest-fit.worker.js';
import type { RetrainJob, RunTrainer } from '../fitting/run-trainer.service.js';
import type { NewModelVersion } from '../../ingest/ingest.repository.js';
import type { RunBatch, WindowRow } from '../../ingest/run-batch.js';
import { FencedError } from './fence.js';
import { RunExecution, type RunCheckpoint, type RunDeps, type RunSettings } from './run-execution.js';

const SETTINGS: RunSettings = {
  flushTasks: 10,
  flushMs: 3_600_000,
  windowSize: 20,
  checkpointEvery: 1000,
  checkpointMs: 60_000,
  holdoutFraction: 0.2,
};

// No hybrid_ml: nothing to train, so the run needs no trainer.
const engineConfig = { seed: 7, strategies: ['round_robin', 'greedy', 'eft', 'oracle'], learning: { mode: 'external' as const } };

/** A run over a fake store that records what each flush carried, on a clock the test moves. */
function harness(engine = SimulationEngine.create(engineConfig), resume?: ConstructorParameters<typeof RunExecution>[6]) {
  const clock = { now: 0 };
  const checkpoints: RunCheckpoint[] = [];
  const windows: WindowRow[] = [];
  const writer = {
    flush: async (_runId: number, batch: RunBatch, progress: { checkpoint?: RunCheckpoint }) => {
      windows.push(...batch.windows);
      // Stored as jsonb: what a resume reads back is the JSON of it.
      if (progress.checkpoint) checkpoints.push(JSON.parse(JSON.stringify(progress.checkpoint)) as RunCheckpoint);
    },
  };
  const deps = {
    writer: writer as unknown as RunDeps['writer'],
    trainer: {} as RunTrainer,
    clock: () => clock.now,
  };
  const sut = new RunExecution(1, engine, null, null, SETTINGS, deps, resume);
  return { sut, clock, checkpoints, windows };
}

describe(RunExecution.name, () => {
  it('checkpoints once SIM_CHECKPOINT_MS has passed since the last checkpoint, between the task-count ones', async () => {
    const { sut, clock, checkpoints } = harness();
    await sut.advance(25);
    clock.now = 59_999;
    await sut.advance(5);
    await sut.drain();
    expect(checkpoints).toEqual([]);

    clock.now = 60_000;
    await sut.advance(1);
    await sut.advance(10);
    clock.now = 119_999;
    await sut.advance(10);
    clock.now = 120_000;
    await sut.advance(1);
    await sut.drain();
    expect(checkpoints.map((c) => c.taskIndex)).toEqual([31, 52]);
  });

  it('counts the time from the last checkpoint, whichever kind it was', async () => {
    const { sut, clock, checkpoints } = harness();
    await sut.advance(999);
    clock.now = 30_000;
    await sut.advance(1);
    clock.now = 89_999;
    await sut.advance(10);
    clock.now = 90_000;
    await sut.advance(1);
    await sut.drain();
    expect(checkpoints.map((c) => c.taskIndex)).toEqual([1000, 1011]);
  });

  it('resumed from a checkpoint taken in the middle of a metrics window, writes the windows of an uninterrupted run', async () => {
    const uninterrupted = harness();
    await uninterrupted.sut.advance(100);
    await uninterrupted.sut.drain();

    const interrupted = harness();
    await interrupted.sut.advance(30);
    interrupted.clock.now = 60_000;
    await interrupted.sut.advance(1);
    await interrupted.sut.advance(9);
    await interrupted.sut.drain();
    const [checkpoint] = interrupted.checkpoints;
    expect(checkpoint.taskIndex % SETTINGS.windowSize).not.toBe(0);

    const resumed = harness(SimulationEngine.restore(checkpoint.engine), {
      pendingRetrainAt: checkpoint.pendingRetrainAt,
      fitsInFlight: [],
      replayUntil: 40,
      windows: checkpoint.windows,
    });
    await resumed.sut.advance(100 - checkpoint.taskIndex);
    await resumed.sut.drain();
    expect(resumed.windows).toEqual(uninterrupted.windows.filter((w) => w.windowStart >= 20));
  });

  it('says it replays until it has stepped past the stored progress', async () => {
    const { sut } = harness(SimulationEngine.create(engineConfig), { pendingRetrainAt: null, fitsInFlight: [], replayUntil: 15 });
    expect(sut.replaying).toBe(true);
    await sut.advance(14);
    expect(sut.replaying).toBe(true);
    await sut.advance(1);
    expect(sut.replaying).toBe(false);
  });

  it('stops at once, retrying nothing, when a flush is fenced off', async () => {
    const attempts: number[] = [];
    const writer = {
      flush: async (_runId: number, batch: RunBatch, _progress: unknown, _mayExist: boolean, _previous: unknown, fence?: () => Promise<void>) => {
        attempts.push(batch.size);
        await fence?.();
      },
    };
    const fence = async () => {
      throw new FencedError(1, 'another replica leads');
    };
    const sut = new RunExecution(1, SimulationEngine.create(engineConfig), null, null, SETTINGS, {
      writer: writer as unknown as RunDeps['writer'],
      trainer: {} as RunTrainer,
      fence: fence as unknown as RunDeps['fence'],
      clock: () => 0,
    });
    await sut.advance(10);
    await expect(sut.drain()).rejects.toBeInstanceOf(FencedError);
    expect(sut.fenced).toBeInstanceOf(FencedError);
    expect(await sut.advance(10)).toBe(0);
    expect(attempts).toEqual([10]);
  });
});

describe(`${RunExecution.name} retraining hybrid_ml`, () => {
  // Retrains after tasks 20, 40, 60 …; each model takes effect 5 tasks later.
  const learning = { mode: 'external' as const, minSamples: 20, retrainInterval: 20, retrainLag: 5, forest: { nTrees: 3 } };
  const ROWS = (() => {
    const engine = SimulationEngine.create({ seed: 2, strategies: ['greedy'], learning: { mode: 'external' } });
    for (let i = 0; i < 40; i++) engine.step(engine.nextTask());
    return engine.trainingWindow();
  })();

  /** A run whose trainer fits ROWS for real, after `failures` calls rejected with what `failure` makes. */
  function retraining(failures = 0, failure: () => Error = () => new Error('connection terminated')) {
    const jobs: RetrainJob[] = [];
    const answered: unknown[] = [];
    const stored: NewModelVersion[] = [];
    const trainer = {
      retrain: async (job: RetrainJob) => {
        jobs.push(job);
        if (jobs.length <= failures) throw failure();
        const outcome = fit({ rows: ROWS, options: job.options, holdoutFraction: job.holdoutFraction });
        answered.push(outcome.model);
        return outcome;
      },
    };
    const writer = { flush: async () => undefined, insertModelVersion: async (v: NewModelVersion) => void stored.push(v) };
    const engine = SimulationEngine.create({ seed: 7, strategies: ['greedy', 'hybrid_ml'], learning });
    const sut = new RunExecution(1, engine, null, null, SETTINGS, { writer: writer as unknown as RunDeps['writer'], trainer, clock: () => 0 });
    return { sut, engine, jobs, answered, stored };
  }

  it('asks for each retrain in one call, and installs and stores the model it answers', async () => {
    const { sut, engine, jobs, answered, stored } = retraining();

    await sut.advance(70);
    await sut.drain();

    expect(jobs.map((j) => j.lastTaskId)).toEqual([19, 39, 59]);
    expect(jobs[0]).toEqual({ runId: 1, lastTaskId: 19, limit: 1000, order: 'generated', options: expect.objectContaining({ nTrees: 3 }), holdoutFraction: 0.2 });
    // The third model (effective at task 65) is installed too.
    expect(stored.map((v) => v.trainedAtTask)).toEqual([20, 40, 60]);
    expect(stored.map((v) => v.model)).toEqual(answered);
    expect(engine.modelInfo()?.version).toBe(3);
    expect(engine.snapshot().model?.json).toEqual(answered[2]);
  });

  it('retries a retrain whose rows could not be read, and trains the same models', async () => {
    const once = retraining(1);
    const clean = retraining();

    await once.sut.advance(30);
    await clean.sut.advance(30);

    expect(once.jobs.map((j) => j.lastTaskId)).toEqual([19, 19]);
    expect(once.stored).toEqual(clean.stored.map((v) => ({ ...v, durationMs: expect.any(Number) })));
    expect(once.sut.stalled).toBeNull();
  });

  it('fails where the model was to take effect when its fit failed, without retrying it', async () => {
    const { sut, jobs, stored } = retraining(Infinity, () => new FitFailedError(1, 'Invalid training data'));

    await expect(sut.advance(30)).rejects.toBeInstanceOf(FitFailedError);

    expect(sut.processed).toBe(25);
    expect(jobs).toHaveLength(1);
    expect(stored).toEqual([]);
  });
});
