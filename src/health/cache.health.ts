import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from '../redis/redis.connection.js';

/** Reports Redis; a cache outage degrades the service (answers come from PostgreSQL), never unreadies it. */
@Injectable()
export class CacheHealthIndicator {
  constructor(
    private readonly redis: RedisConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.health.check(key);
    const state = await this.redis.state();
    if (state === 'down') return indicator.degraded({ backend: 'redis', message: 'redis unreachable: serving from PostgreSQL' });
    return indicator.up({ backend: state === 'memory' ? 'memory' : 'redis' });
  }
}
