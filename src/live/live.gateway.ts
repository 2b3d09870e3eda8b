import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { LiveFeedService } from './live-feed.service.js';

/** Plain WebSocket (not socket.io) at /ws, on the HTTP server's own port: the dashboard connects here. */
@WebSocketGateway({ path: '/ws' })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly feed: LiveFeedService) {}

  handleConnection(client: WebSocket): void {
    this.feed.attach(client);
  }

  handleDisconnect(client: WebSocket): void {
    this.feed.detach(client);
  }
}
