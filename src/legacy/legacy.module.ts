import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { LegacyController } from './legacy.controller.js';
import { LegacyRepository } from './legacy.repository.js';
import { LegacyService } from './legacy.service.js';

@Module({
  imports: [RunsModule],
  controllers: [LegacyController],
  providers: [LegacyService, LegacyRepository],
})
export class LegacyModule {}
