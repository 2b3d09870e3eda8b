import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunsModule } from '../runs/runs.module.js';
import { ModelVersion } from './model-version.entity.js';
import { TrainingSample } from './training-sample.entity.js';
import { TrainingController } from './training.controller.js';
import { TrainingRepository } from './training.repository.js';
import { TrainingService } from './training.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([TrainingSample, ModelVersion]), RunsModule],
  controllers: [TrainingController],
  providers: [TrainingService, TrainingRepository],
  exports: [TrainingService, TrainingRepository],
})
export class TrainingModule {}
