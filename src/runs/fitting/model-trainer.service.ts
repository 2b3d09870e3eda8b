import { fileURLToPath } from 'node:url';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { FitJob, FitOutcome } from './forest-fit.worker.js';

// The worker runs compiled code: from dist/ in production and tests alike (npm test builds first).
// This file sits at the same depth under src/ and dist/, so one relative path finds it.
const WORKER = fileURLToPath(new URL('../../../dist/simulation/training/forest-fit.worker.js', import.meta.url));

/** Fits forests in a worker thread so a retrain never stalls the event loop. */
@Injectable()
export class ModelTrainer implements OnApplicationShutdown {
  private pool: Piscina<FitJob, FitOutcome> | null = null;

  fit(job: FitJob): Promise<FitOutcome> {
    this.pool ??= new Piscina<FitJob, FitOutcome>({ filename: WORKER, minThreads: 0, maxThreads: 1, idleTimeout: 30_000 });
    return this.pool.run(job);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
