import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { WebSocket } from 'ws';
import { AppMetrics } from '../observability/app-metrics.service.js';
import { onRunEvent, RUN_DATA_CHANGED, RUN_RETRAIN, RUN_TASK, type RetrainEvent, type RunDataChanged, type TaskEvent } from '../runs/run-events.js';
import { retrainNotification } from './live-messages.js';
import { LiveRelay } from './live-relay.service.js';

// At most 10 simulation_update messages a second; the ones in between are dropped.
export const MIN_UPDATE_INTERVAL_MS = 100;
// A client this far behind is skipped rather than buffered without bound.
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The dashboard's live feed: the continuous run's tasks and retrains, pushed to every connected
 * WebSocket of every replica (LiveRelay carries them from the replica that simulates). Nothing is
 * computed while nobody listens (the run may step thousands of tasks a second), and updates are
 * throttled, always ending on the latest task.
 */
@Injectable()
export class LiveFeedService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveFeedService.name);
  private readonly sockets = new Set<WebSocket>();
  private pending: TaskEvent | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = 0;

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly metrics: AppMetrics,
    private readonly relay: LiveRelay,
  ) {}

  onModuleInit(): void {
    this.relay.start((text) => this.send(text));
    onRunEvent(this.emitter, RUN_TASK, (event) => this.onTask(event));
    onRunEvent(this.emitter, RUN_RETRAIN, (event) => this.onRetrain(event));
    onRunEvent(this.emitter, RUN_DATA_CHANGED, (event) => this.onRunDataChanged(event));
    this.metrics.readWebsocketClients(() => this.clients);
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  /** Connected clients (for metrics). */
  get clients(): number {
    return this.sockets.size;
  }

  attach(socket: WebSocket): void {
    this.sockets.add(socket);
    this.relay.clientsChanged(this.sockets.size);
  }

  detach(socket: WebSocket): void {
    this.sockets.delete(socket);
    this.relay.clientsChanged(this.sockets.size);
  }

  /** Whether a message built now would reach a client, here or on another replica. */
  private get listening(): boolean {
    return this.relay.listening(this.sockets.size);
  }

  private onTask(event: TaskEvent): void {
    if (!this.listening) return;
    // Only the latest task is kept; the message is built when it is sent, so dropped tasks cost nothing.
    this.pending = event;
    if (this.timer) return;
    const wait = this.lastSentAt + MIN_UPDATE_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.sendPending();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sendPending();
    }, wait);
  }

  private onRetrain({ info }: RetrainEvent): void {
    if (!this.listening) return;
    this.guarded(() => this.relay.publish(JSON.stringify(retrainNotification(info))));
  }

  /** A run deleted (or all cleared): an update of it still waiting to be sent is dropped. */
  private onRunDataChanged(event: RunDataChanged): void {
    if (event.change === 'deleted' && this.pending?.runId === event.runId) this.pending = null;
  }

  private sendPending(): void {
    const event = this.pending;
    this.pending = null;
    if (!event || !this.listening) return;
    this.lastSentAt = Date.now();
    this.guarded(() => this.relay.publish(JSON.stringify(event.update())));
  }

  /** One message, built on whichever replica simulates, to this replica's clients. */
  private send(text: string): void {
    for (const socket of this.sockets) {
      if (socket.readyState === WebSocket.OPEN && socket.bufferedAmount < MAX_BUFFERED_BYTES) socket.send(text);
    }
  }

  // This runs inside the continuous run's step: a failing message must never stop the run or
  // crash the process.
  private guarded(send: () => void): void {
    try {
      send();
    } catch (e) {
      this.logger.error(`live feed: ${(e as Error).message}`, (e as Error).stack);
    }
  }
}
