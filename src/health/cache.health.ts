import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheService } from '../cache/cache.service.js';

/** Reports Redis; a cache outage degrades the service (answers come from PostgreSQL), never unreadies it. */
@Injectable()
export class CacheHealthIndicator {
  constructor(
    private readonly cache: CacheService,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.health.check(key);
    const state = await this.cache.state();
    if (state === 'down') return indicator.degraded({ backend: 'redis', message: 'redis unreachable: serving from PostgreSQL' });
    return indicator.up({ backend: state === 'memory' ? 'memory' : 'redis' });
  }
}
