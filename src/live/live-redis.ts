import type { RedisOptions } from 'ioredis';

/** A publish waits this long for Redis at most (a frozen server holds nothing for long). */
export const COMMAND_TIMEOUT_MS = 1_000;

/**
 * The live feed's connections, opened through the Redis module: `publisher` fails a command at
 * once while disconnected (a message is dropped, never queued behind an outage) and after
 * COMMAND_TIMEOUT_MS; `subscriber` keeps its SUBSCRIBE queued until it connects and subscribes
 * again after every reconnection.
 */
export const LIVE_CONNECTIONS = {
  publisher: { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS },
  subscriber: { enableOfflineQueue: true, maxRetriesPerRequest: null },
} satisfies Record<string, RedisOptions>;

/**
 * Where replicas of one deployment meet: they share a Redis and a database, so the feed's channel
 * and presence key are named after the database (two deployments on one Redis stay apart, and
 * so do the test suites, each on its own database).
 */
export function liveKeyPrefix(databaseUrl: string): string {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
  return `live-feed:${database}`;
}
