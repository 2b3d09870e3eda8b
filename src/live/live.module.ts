import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { LiveFeedService } from './live-feed.service.js';
import { LiveGateway } from './live.gateway.js';
import { LiveRelay } from './live-relay.service.js';

@Module({
  imports: [RunsModule],
  providers: [LiveGateway, LiveFeedService, LiveRelay],
  exports: [LiveFeedService],
})
export class LiveModule {}
