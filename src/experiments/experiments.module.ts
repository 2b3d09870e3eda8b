import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { ExperimentsController } from './experiments.controller.js';
import { ExperimentsRepository } from './experiments.repository.js';
import { ExperimentsService } from './experiments.service.js';

/** Experiments: seed sweeps over a grid of run settings (the experiments and experiment_runs tables, /api/experiments). */
@Module({
  imports: [RunsModule, MetricsModule],
  controllers: [ExperimentsController],
  providers: [ExperimentsService, ExperimentsRepository],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
