import { Redis } from 'ioredis';

/**
 * A Redis connection for the live feed. `publisher` fails a command at once while disconnected (a
 * message is dropped, never queued behind an outage) and after COMMAND_TIMEOUT_MS without an
 * answer (a frozen server holds nothing for long); `subscriber` keeps its SUBSCRIBE queued
 * until it connects and subscribes again after every reconnection. Both reconnect forever,
 * backing off to 2 s, and start connecting in the background.
 */
export const COMMAND_TIMEOUT_MS = 1_000;

export function createLiveRedis(url: string, role: 'publisher' | 'subscriber'): Redis {
  return new Redis(url, {
    connectionName: `live-feed-${role}`,
    connectTimeout: 2_000,
    enableOfflineQueue: role === 'subscriber',
    maxRetriesPerRequest: role === 'subscriber' ? null : 0,
    commandTimeout: role === 'publisher' ? COMMAND_TIMEOUT_MS : undefined,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 2_000),
  });
}

/**
 * Where replicas of one deployment meet: they share a Redis and a database, so the feed's channel
 * and presence key are named after the database (two deployments on one Redis stay apart, and
 * so do the test suites, each on its own database).
 */
export function liveKeyPrefix(databaseUrl: string): string {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
  return `live-feed:${database}`;
}
