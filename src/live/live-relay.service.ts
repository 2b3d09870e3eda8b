import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { RedisConnection } from '../redis/redis.connection.js';
import { LIVE_CONNECTIONS, liveKeyPrefix } from './live-redis.js';

/** How long a replica's "I have clients" mark lives without being renewed, and how often it is renewed. */
export const PRESENCE_TTL_MS = 3_000;
export const PRESENCE_RENEW_MS = 1_000;
/** The simulating replica asks whether anyone listens at most this often. */
export const PRESENCE_CHECK_MS = 1_000;

type Deliver = (text: string) => void;

// ioredis's error for a command past its commandTimeout.
const COMMAND_TIMED_OUT = 'Command timed out';

/**
 * Carries the feed's messages from the replica that simulates to the clients of every replica.
 * With REDIS_URL: messages are published on one Redis pub/sub channel, to which every replica
 * (the publisher too) subscribes and hands what it receives to its own clients; one publisher
 * on one channel, so Redis delivers them to each subscriber in the order they were published.
 * Replicas with clients renew a short-lived presence key, so the publisher builds nothing while
 * no replica has a client. Without REDIS_URL, or while Redis is unreachable, messages go straight
 * to this replica's clients.
 */
@Injectable()
export class LiveRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(LiveRelay.name);
  private readonly redisUrl?: string;
  private readonly channel: string;
  private readonly presenceKey: string;
  private deliver: Deliver = () => undefined;
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private remoteListeners = false;
  private lastPresenceCheck = 0;
  private presenceCheckInFlight = false;
  private lastError = '';

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly redis: RedisConnection,
  ) {
    this.redisUrl = config.get('REDIS_URL', { infer: true });
    const prefix = liveKeyPrefix(config.get('DATABASE_URL', { infer: true }) ?? 'postgres://localhost/postgres');
    this.channel = `${prefix}:messages`;
    this.presenceKey = `${prefix}:listening`;
  }

  get backend(): 'redis' | 'local' {
    return this.redisUrl ? 'redis' : 'local';
  }

  /** Starts relaying: `deliver` sends one message's text to this replica's clients. */
  start(deliver: Deliver): void {
    this.deliver = deliver;
    if (!this.redisUrl) return;
    this.publisher = this.redis.open('live-feed-publisher', LIVE_CONNECTIONS.publisher);
    this.subscriber = this.redis.open('live-feed-subscriber', LIVE_CONNECTIONS.subscriber);
    if (!this.publisher || !this.subscriber) return;
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (e: Error) => this.warnOnce(e.message));
      client.on('ready', () => (this.lastError = ''));
    }
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.deliverSafely(text);
    });
    this.subscriber.subscribe(this.channel).catch((e: Error) => this.warnOnce(`subscribe: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = null;
    for (const client of [this.publisher, this.subscriber]) client?.disconnect();
    this.publisher = this.subscriber = null;
  }

  /**
   * Whether a message built now would reach a client: one of this replica's, or (on Redis) one of
   * another replica's within the last few seconds. Never waits: the answer from Redis is at most
   * PRESENCE_CHECK_MS old, and a new one is asked for in the background.
   */
  listening(localClients: number): boolean {
    if (localClients > 0) return true;
    if (!this.publisher) return false;
    const now = Date.now();
    if (!this.presenceCheckInFlight && now - this.lastPresenceCheck >= PRESENCE_CHECK_MS) {
      this.lastPresenceCheck = now;
      this.presenceCheckInFlight = true;
      this.publisher
        .exists(this.presenceKey)
        .then((n) => (this.remoteListeners = n > 0))
        // Redis away: no other replica can be reached anyway.
        .catch(() => (this.remoteListeners = false))
        .finally(() => (this.presenceCheckInFlight = false));
    }
    return this.remoteListeners;
  }

  /** This replica's client count changed: while it has clients it renews its presence. */
  clientsChanged(localClients: number): void {
    if (!this.publisher) return;
    if (localClients > 0 && !this.presenceTimer) {
      this.markPresent();
      this.presenceTimer = setInterval(() => this.markPresent(), PRESENCE_RENEW_MS);
      this.presenceTimer.unref();
    } else if (localClients === 0 && this.presenceTimer) {
      // The key is not deleted: other replicas may have clients; it lapses within PRESENCE_TTL_MS.
      clearInterval(this.presenceTimer);
      this.presenceTimer = null;
    }
  }

  /** Sends one message to the clients of every replica (or of this one, without Redis). */
  publish(text: string): void {
    const publisher = this.publisher;
    if (!publisher) {
      this.deliver(text);
      return;
    }
    // Until this replica's subscription is up, its own clients get the message directly.
    const deliveredHere = this.subscriber?.status !== 'ready';
    if (deliveredHere) this.deliver(text);
    publisher.publish(this.channel, text).catch((e: Error) => {
      this.warnOnce(`publish: ${e.message}`);
      // Not sent (Redis unreachable): this replica's clients get it directly. A command that timed
      // out was sent and may still be delivered once Redis answers, so it is not sent twice.
      if (!deliveredHere && e.message !== COMMAND_TIMED_OUT) this.deliverSafely(text);
    });
  }

  private markPresent(): void {
    this.publisher?.set(this.presenceKey, '1', 'PX', PRESENCE_TTL_MS).catch((e: Error) => this.warnOnce(`presence: ${e.message}`));
  }

  private deliverSafely(text: string): void {
    try {
      this.deliver(text);
    } catch (e) {
      this.logger.error(`live feed: ${(e as Error).message}`, (e as Error).stack);
    }
  }

  // Reconnection keeps trying; say so once per distinct failure, not once per retry.
  private warnOnce(message: string): void {
    if (message !== this.lastError) this.logger.warn(`live feed redis: ${message}`);
    this.lastError = message;
  }
}
