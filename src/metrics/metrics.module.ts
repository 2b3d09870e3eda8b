import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { TrainingModule } from '../training/training.module.js';
import { LeaderboardRepository } from './leaderboard.repository.js';
import { LeaderboardService } from './leaderboard.service.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

@Module({
  imports: [RunsModule, TrainingModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository, LeaderboardService, LeaderboardRepository],
  exports: [MetricsService, MetricsRepository, LeaderboardService],
})
export class MetricsModule {}
