import { Controller, Get } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CacheHealthIndicator } from './cache.health.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { LifecycleService } from './lifecycle.service.js';

// Probes are polled constantly and answer machines, not browsers: no security headers to build.
export const PROBE_ROUTE = { helmet: { skipRoute: true } };

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

  @Get('health')
  @RouteConfig(PROBE_ROUTE)
  @ApiOperation({ summary: 'Liveness: the process answers. Touches no dependency.' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @RouteConfig(PROBE_ROUTE)
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
