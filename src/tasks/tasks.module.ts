import { Module } from '@nestjs/common';
import { ResultsModule } from '../results/results.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { PlacementController } from './placement/placement.controller.js';
import { PlacementService } from './placement/placement.service.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/** /api/tasks/*: a run's stored tasks, and placement advice for new ones (/api/tasks/placement). */
@Module({
  imports: [ResultsModule, RunsModule],
  controllers: [TasksController, PlacementController],
  providers: [TasksService, TasksRepository, PlacementService],
  exports: [TasksService, TasksRepository],
})
export class TasksModule {}
