import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { ResultsExportService } from './results-export.service.js';
import { ResultsController } from './results.controller.js';
import { ResultsRepository } from './results.repository.js';
import { ResultsService } from './results.service.js';

@Module({
  imports: [RunsModule],
  controllers: [ResultsController],
  providers: [ResultsService, ResultsExportService, ResultsRepository],
  exports: [ResultsService, ResultsRepository],
})
export class ResultsModule {}
