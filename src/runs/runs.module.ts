import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunScopeModule } from './run-scope.module.js';
import { ContinuousRunService } from './continuous-run.service.js';
import { PlacementController } from '../tasks/placement/placement.controller.js';
import { PlacementService } from '../tasks/placement/placement.service.js';
import { RunRequestsService } from './dto/run-request.js';
import { RunFactory } from './execution/run-factory.js';
import { RunStoreRepository } from '../ingest/ingest.repository.js';
import { RunsService } from './batch-runs.service.js';
import { SimulationEvents } from './run-events.js';
import { SimulationRun } from './simulation-run.entity.js';
import { SimulationRunsRepository } from './runs.repository.js';
import { SimulationController } from './runs.controller.js';
import { SimulationService } from './run-catalog.service.js';
import { ModelTrainer } from './fitting/model-trainer.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SimulationRun]), RunScopeModule],
  controllers: [SimulationController, PlacementController],
  providers: [
    SimulationService,
    SimulationRunsRepository,
    RunStoreRepository,
    RunFactory,
    RunsService,
    ContinuousRunService,
    RunRequestsService,
    PlacementService,
    SimulationEvents,
    ModelTrainer,
  ],
  exports: [SimulationService, SimulationRunsRepository, ContinuousRunService, RunsService, SimulationEvents, RunStoreRepository],
})
export class SimulationModule {}
