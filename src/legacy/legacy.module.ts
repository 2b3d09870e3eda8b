import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { LegacyController } from './legacy.controller.js';
import { LegacyRepository } from './legacy.repository.js';
import { LegacyService } from './legacy.service.js';

@Module({
  imports: [RunsModule, MetricsModule],
  controllers: [LegacyController],
  providers: [LegacyService, LegacyRepository],
})
export class LegacyModule {}
