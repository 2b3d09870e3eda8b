import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { LiveFeedService } from './live-feed.service.js';
import { LiveGateway } from './live.gateway.js';

@Module({
  imports: [RunsModule],
  providers: [LiveGateway, LiveFeedService],
  exports: [LiveFeedService],
})
export class LiveModule {}
