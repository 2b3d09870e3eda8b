import type { RedisOptions } from 'bullmq';

/**
 * BullMQ's connection options from REDIS_URL (ioredis 5 underneath). A worker blocks on Redis and must
 * retry its commands for as long as Redis is away (maxRetriesPerRequest null); a producer answers an
 * HTTP request, so its commands fail at once while Redis is unreachable instead of piling up.
 */
export function bullConnection(redisUrl: string, role: 'producer' | 'worker'): RedisOptions {
  return role === 'worker' ? { url: redisUrl, maxRetriesPerRequest: null } : { url: redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false };
}
