import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CacheHealthIndicator } from './cache.health.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { LifecycleService } from './lifecycle.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly healthCheck: HealthCheckService,
    private readonly health: HealthIndicatorService,
    private readonly database: DatabaseHealthIndicator,
    private readonly cache: CacheHealthIndicator,
    private readonly lifecycle: LifecycleService,
  ) {}

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: PostgreSQL answers and is migrated (503 otherwise or while shutting down); Redis is reported only.' })
  ready() {
    return this.healthCheck.check([
      () => {
        const indicator = this.health.check('lifecycle');
        return this.lifecycle.shuttingDown ? indicator.down({ message: 'shutting down' }) : indicator.up();
      },
      () => this.database.check('database'),
      () => this.cache.check('cache'),
    ]);
  }
}
