import { Module } from '@nestjs/common';
import { SimulationModule } from '../runs/runs.module.js';
import { LiveFeedService } from './live-feed.service.js';
import { LiveGateway } from './live.gateway.js';

@Module({
  imports: [SimulationModule],
  providers: [LiveGateway, LiveFeedService],
  exports: [LiveFeedService],
})
export class LiveModule {}
