import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import { RunsRepository } from '../runs.repository.js';
import { BullRunQueue } from './bullmq-run-queue.js';
import { InProcessRunQueue } from './in-process-run-queue.js';
import { queuePrefix } from './queue-settings.js';
import { RunJobs } from './run-jobs.js';
import { RunQueue } from './run-queue.js';

/** The run queue: BullMQ when REDIS_URL is set, this process's own queue when it is not. */
export const runQueueProvider: Provider = {
  provide: RunQueue,
  inject: [ConfigService, RunJobs, RunsRepository],
  useFactory: (config: ConfigService<EnvironmentVariables, true>, jobs: RunJobs, runs: RunsRepository): RunQueue => {
    const concurrency = config.get('SIM_WORKER_CONCURRENCY', { infer: true });
    const redisUrl = config.get('REDIS_URL', { infer: true });
    if (!redisUrl) return new InProcessRunQueue(jobs, concurrency);
    const prefix = queuePrefix(config.get('SIM_QUEUE_PREFIX', { infer: true }), config.get('DATABASE_URL', { infer: true }) as string);
    return new BullRunQueue({ redisUrl, prefix, worker: config.get('SIM_WORKER', { infer: true }), concurrency }, jobs, runs);
  },
};
