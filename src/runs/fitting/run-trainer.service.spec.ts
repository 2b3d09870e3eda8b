import type { ModelFitOptions } from '../../engine/index.js';
import type { RunStore } from '../execution/run-store.js';
import { FitFailedError, isFitFailure } from './fit-failed.error.js';
import type { FitJob, FitOutcome } from './forest-fit.worker.js';
import type { ModelTrainer } from './model-trainer.service.js';
import { RunTrainer, type RetrainJob } from './run-trainer.service.js';

const ROWS = [{ features: [1, 2, 3, 4, 5], label: 0.5 }];
const OUTCOME: FitOutcome = { model: { name: 'placement-model' }, r2: 0.9, mae: 0.1, samples: 1, importances: [1, 0, 0, 0, 0], durationMs: 3 };
const JOB: RetrainJob = { runId: 4, lastTaskId: 99, limit: 1000, order: 'trace', options: { seed: 7, nTrees: 3 } as ModelFitOptions, holdoutFraction: 0.2 };

function setup(fit: (job: FitJob) => Promise<FitOutcome> = async () => OUTCOME, read: () => Promise<typeof ROWS> = async () => ROWS) {
  const reads: unknown[][] = [];
  const fits: FitJob[] = [];
  const store = { trainingRowsUpTo: (...args: unknown[]) => (reads.push(args), read()) };
  const trainer = { fit: (job: FitJob) => (fits.push(job), fit(job)) };
  const sut = new RunTrainer(store as unknown as RunStore, trainer as unknown as ModelTrainer);
  return { sut, reads, fits };
}

describe(RunTrainer.name, () => {
  it('reads the run\'s training window up to the task and fits it with the job\'s options', async () => {
    const { sut, reads, fits } = setup();

    await expect(sut.retrain(JOB)).resolves.toBe(OUTCOME);

    expect(reads).toEqual([[4, 99, 1000, 'trace']]);
    expect(fits).toEqual([{ rows: ROWS, options: JOB.options, holdoutFraction: 0.2 }]);
  });

  it('rejects with a FitFailedError when the fit fails', async () => {
    const { sut } = setup(() => Promise.reject(new Error('Invalid training data')));

    const failure = await sut.retrain(JOB).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(FitFailedError);
    expect(isFitFailure(failure)).toBe(true);
    expect((failure as Error).message).toBe('run 4: fitting its model failed: Invalid training data');
  });

  it('rejects with the database\'s error when the rows cannot be read, and fits nothing', async () => {
    const { sut, fits } = setup(undefined, () => Promise.reject(new Error('connection terminated')));

    const failure = await sut.retrain(JOB).catch((e: unknown) => e);

    expect((failure as Error).message).toBe('connection terminated');
    expect(isFitFailure(failure)).toBe(false);
    expect(fits).toEqual([]);
  });
});
