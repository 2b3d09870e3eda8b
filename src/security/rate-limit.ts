import fastifyRateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import { routePattern } from '../http/fast-path/route-pattern.js';
import { leaseStore } from './rate-limit.lease-store.js';

// Probes and scrapes come from the platform, often many a minute from one address: never limited.
export const UNLIMITED_ROUTES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);
// The API's documentation (Swagger UI and its assets) is static and outside Nest's routes: not limited either.
const DOCS_PREFIX = '/docs';
// Clients tracked per process without Redis (least recently seen forgotten first).
const MEMORY_CLIENTS = 10_000;

export interface RateLimitSettings {
  /** THROTTLE_LIMIT: requests per client per window. */
  limit: number;
  /** THROTTLE_TTL_S: the window, in seconds. */
  windowS: number;
  /** Shared counters when set (every replica counts against one budget, leasing hits from it); process memory otherwise. */
  redis: Redis | null;
}

/** @fastify/rate-limit's options for these settings (exported for the spec beside this file). */
export function rateLimitOptions({ limit, windowS, redis }: RateLimitSettings): RateLimitPluginOptions {
  return {
    global: true,
    max: limit,
    timeWindow: windowS * 1000,
    // After CORS's preHandler, so a 429 carries the CORS headers a browser needs to read it, and
    // before every route-level preHandler added later (the answer shortcut's): every request is counted.
    hook: 'preHandler',
    ...(redis ? { store: leaseStore(redis, 'throttle:') } : { cache: MEMORY_CLIENTS }),
    // Fails open: Redis down answers at once, Redis frozen after the client's commandTimeout (≤ 200 ms).
    skipOnError: true,
    allowList: (request) => {
      const route = routePattern(request);
      return UNLIMITED_ROUTES.has(route) || route.startsWith(DOCS_PREFIX);
    },
    // Thrown from the hook, it reaches Nest's exception filter: the one error shape, request id included.
    errorResponseBuilder: () =>
      new HttpException(
        { error: 'Too Many Requests', message: `rate limit of ${limit} requests per ${windowS} s exceeded; retry after the Retry-After seconds` },
        HttpStatus.TOO_MANY_REQUESTS,
      ),
  };
}

/**
 * THROTTLE_LIMIT requests per client IP per THROTTLE_TTL_S, across all routes; past it 429 with
 * Retry-After until the window ends. Registered before the app's routes (app.init()): the plugin
 * adds its hook to each route as it is registered.
 */
export async function registerRateLimit(app: NestFastifyApplication, settings: RateLimitSettings): Promise<void> {
  await app.register(fastifyRateLimit, rateLimitOptions(settings));
}
