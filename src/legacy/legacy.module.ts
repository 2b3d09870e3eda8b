import { Module } from '@nestjs/common';
import { SimulationModule } from '../runs/runs.module.js';
import { LegacyController } from './legacy.controller.js';
import { LegacyRepository } from './legacy.repository.js';
import { LegacyService } from './legacy.service.js';

@Module({
  imports: [SimulationModule],
  controllers: [LegacyController],
  providers: [LegacyService, LegacyRepository],
})
export class LegacyModule {}
