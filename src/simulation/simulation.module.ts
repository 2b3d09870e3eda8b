import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunScopeModule } from '../common/run-scope.module.js';
import { ContinuousRunService } from './continuous-run.service.js';
import { PlacementController } from './placement.controller.js';
import { PlacementService } from './placement.service.js';
import { RunRequestsService } from './run-requests.service.js';
import { RunFactory } from './runs/run-factory.js';
import { RunStoreRepository } from './runs/run-store.repository.js';
import { RunsService } from './runs/runs.service.js';
import { SimulationEvents } from './simulation-events.js';
import { SimulationRun } from './simulation-run.entity.js';
import { SimulationRunsRepository } from './simulation-runs.repository.js';
import { SimulationController } from './simulation.controller.js';
import { SimulationService } from './simulation.service.js';
import { ModelTrainer } from './training/model-trainer.service.js';

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
