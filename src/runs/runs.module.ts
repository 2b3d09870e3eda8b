import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module.js';
import { BatchRunsService } from './batch-runs.service.js';
import { ContinuousRunService } from './continuous-run.service.js';
import { RunFactory } from './execution/run-factory.js';
import { RunJobs } from './queue/run-jobs.js';
import { runQueueProvider } from './queue/run-queue.provider.js';
import { RunStore } from './execution/run-store.js';
import { ModelTrainer } from './fitting/model-trainer.service.js';
import { RunTrainer } from './fitting/run-trainer.service.js';
import { Leadership } from './leadership/leadership.service.js';
import { RunCatalog } from './run-catalog.service.js';
import { RunEvents } from './run-events.js';
import { RunLifecycle } from './run-lifecycle.service.js';
import { RunScope } from './run-scope.service.js';
import { RunsController } from './runs.controller.js';
import { RunsRepository } from './runs.repository.js';
import { RetentionService } from './retention/retention.service.js';

/**
 * Owns `simulation_state` (RunsRepository is the only code that touches it), the run lifecycle
 * (RunLifecycle), the execution of runs, and /api/simulation/*. Other modules see runs through
 * RunCatalog, RunScope and RunLifecycle, and hear of changes through RunEvents.
 */
@Module({
  imports: [IngestModule],
  controllers: [RunsController],
  providers: [RunsRepository, RunLifecycle, RunCatalog, RunScope, RunEvents, ContinuousRunService, BatchRunsService, RunJobs, runQueueProvider, RunFactory, RunStore, ModelTrainer, RunTrainer, Leadership, RetentionService],
  exports: [RunLifecycle, RunCatalog, RunScope, RunEvents, RunFactory, RetentionService],
})
export class RunsModule {}
