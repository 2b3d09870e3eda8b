import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { TrainingController } from './training.controller.js';
import { TrainingRepository } from './training.repository.js';
import { TrainingService } from './training.service.js';

@Module({
  imports: [RunsModule],
  controllers: [TrainingController],
  providers: [TrainingService, TrainingRepository],
  exports: [TrainingService, TrainingRepository],
})
export class TrainingModule {}
