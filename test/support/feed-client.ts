import { WebSocket } from 'ws';

export type FeedMessage = Record<string, unknown> & { type: string };

/** A dashboard client of /ws: every message it received, as sent and parsed, with its arrival time. */
export class FeedClient {
  readonly messages: { at: number; text: string; body: FeedMessage }[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = String(data);
      this.messages.push({ at: Date.now(), text, body: JSON.parse(text) as FeedMessage });
    });
  }

  /** Connects to the app's feed (its http:// base URL, or a ws:// URL as is). */
  static async connect(url: string): Promise<FeedClient> {
    const socket = new WebSocket(url.startsWith('http') ? `${url.replace(/^http/, 'ws')}/ws` : url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new FeedClient(socket);
  }

  ofType(type: string): { at: number; text: string; body: FeedMessage }[] {
    return this.messages.filter((m) => m.body.type === type);
  }

  /** The task ids of the simulation_update messages, in arrival order. */
  taskIds(): number[] {
    return this.ofType('simulation_update').map((m) => (m.body.task as { id: number }).id);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
