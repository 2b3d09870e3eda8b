import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { FitJob, FitOutcome } from './forest-fit.worker.js';

/** The worker script's path, when it is not the compiled one beside this file (see AppOptions.forestFitWorker). */
export const FOREST_FIT_WORKER = Symbol('FOREST_FIT_WORKER');

// A worker thread runs JavaScript: the compiled worker beside the compiled service.
const BESIDE = fileURLToPath(new URL('./forest-fit.worker.js', import.meta.url));

/** Fits forests in a worker thread so a retrain never stalls the event loop. */
@Injectable()
export class ModelTrainer implements OnApplicationShutdown {
  private pool: Piscina<FitJob, FitOutcome> | null = null;
  private readonly worker: string;

  constructor(@Optional() @Inject(FOREST_FIT_WORKER) worker?: string) {
    this.worker = worker ?? BESIDE;
  }

  fit(job: FitJob): Promise<FitOutcome> {
    this.pool ??= new Piscina<FitJob, FitOutcome>({ filename: this.worker, minThreads: 0, maxThreads: 1, idleTimeout: 30_000 });
    return this.pool.run(job);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
