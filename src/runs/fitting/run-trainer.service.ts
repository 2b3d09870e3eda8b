import { Injectable } from '@nestjs/common';
import type { ModelFitOptions } from '../../engine/index.js';
import { RunStore } from '../execution/run-store.js';
import { FitFailedError } from './fit-failed.error.js';
import type { FitOutcome } from './forest-fit.worker.js';
import { ModelTrainer } from './model-trainer.service.js';

/** A run's retrain: which labelled rows to fit, and how. */
export interface RetrainJob {
  runId: number;
  /** The last task whose label the fit may use (a generated run's task index, a trace's task id). */
  lastTaskId: number;
  /** The training window: the latest this many labelled rows up to that task. */
  limit: number;
  /** The run's processing order ('trace': the stored order of its trace). */
  order: 'generated' | 'trace';
  options: ModelFitOptions;
  holdoutFraction: number;
}

/**
 * Retrains a run's model in one call: reads its rows here and fits them in the forest-fit thread,
 * so that the rows never visit the thread the run steps on, and the run waits for one round trip.
 */
@Injectable()
export class RunTrainer {
  constructor(
    private readonly store: RunStore,
    private readonly trainer: ModelTrainer,
  ) {}

  /** Rejects with the database's error when the read fails (the run retries), with a FitFailedError when the fit does. */
  async retrain(job: RetrainJob): Promise<FitOutcome> {
    const rows = await this.store.trainingRowsUpTo(job.runId, job.lastTaskId, job.limit, job.order);
    try {
      return await this.trainer.fit({ rows, options: job.options, holdoutFraction: job.holdoutFraction });
    } catch (e) {
      throw new FitFailedError(job.runId, e);
    }
  }
}
