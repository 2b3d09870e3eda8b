import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { routePattern } from '../http/fast-path/route-pattern.js';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { RateLimitStorage, type RateLimitRecord } from './rate-limit.storage.js';

// Probes and scrapes come from the platform, often many a minute from one address: never limited.
const UNLIMITED_ROUTES = new Set(['/health', '/ready', '/metrics']);

/**
 * THROTTLE_LIMIT requests per client IP per THROTTLE_TTL_S, across all routes; past it 429 with
 * Retry-After until the window (and the block) ends. Counted in Redis when REDIS_URL is set, so
 * every replica shares the budget.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limit: number;
  private readonly ttlMs: number;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly storage: RateLimitStorage,
  ) {
    this.limit = config.get('THROTTLE_LIMIT', { infer: true });
    this.ttlMs = config.get('THROTTLE_TTL_S', { infer: true }) * 1000;
  }

  // Requests admit() counted and then left to Nest (over the limit): not counted twice.
  private readonly counted = new WeakMap<FastifyRequest, RateLimitRecord>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const record = this.counted.get(request) ?? (await this.count(request));
    if (record?.isBlocked) {
      void reply.header('retry-after', String(Math.max(1, record.timeToBlockExpire)));
      throw new HttpException({ error: 'Too Many Requests', message: `rate limit of ${this.limit} requests per ${this.ttlMs / 1000} s exceeded; retry after the Retry-After seconds` }, HttpStatus.TOO_MANY_REQUESTS);
    }
    if (record) this.describe(reply, record);
    return true;
  }

  /**
   * For answers given outside Nest's pipeline: counts the request; true (headers set) when it is
   * within the limit. At once when counting needs no round trip, as it mostly does.
   */
  admit(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean> {
    const record = this.count(request);
    return record instanceof Promise ? record.then((r) => this.decide(request, reply, r)) : this.decide(request, reply, record);
  }

  private decide(request: FastifyRequest, reply: FastifyReply, record: RateLimitRecord | null): boolean {
    if (record?.isBlocked) {
      this.counted.set(request, record);
      return false;
    }
    if (record) this.describe(reply, record);
    return true;
  }

  /** Counts one hit of the request's client, at once when that needs no round trip; null on routes that are never limited. */
  private count(request: FastifyRequest): RateLimitRecord | null | Promise<RateLimitRecord | null> {
    if (UNLIMITED_ROUTES.has(routePattern(request))) return null;
    const key = `ip:${request.ip}`;
    return this.storage.incrementNow(key, this.ttlMs, this.limit, this.ttlMs) ?? this.storage.increment(key, this.ttlMs, this.limit, this.ttlMs);
  }

  private describe(reply: FastifyReply, record: RateLimitRecord): void {
    void reply.header('x-ratelimit-limit', String(this.limit));
    void reply.header('x-ratelimit-remaining', String(Math.max(0, this.limit - record.totalHits)));
    void reply.header('x-ratelimit-reset', String(record.timeToExpire));
  }
}
