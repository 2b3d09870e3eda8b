import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { execute } from '../database/sql.js';
import { withTimeout } from '../redis/with-timeout.js';

const PING_TIMEOUT_MS = 1000;

/** PostgreSQL answers within a second and has no pending migration. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.health.check(key);
    try {
      await withTimeout(execute(this.dataSource, 'SELECT 1'), PING_TIMEOUT_MS, 'PostgreSQL');
      const pending = await withTimeout(this.dataSource.showMigrations(), PING_TIMEOUT_MS, 'PostgreSQL');
      return pending ? indicator.down({ message: 'migrations pending' }) : indicator.up();
    } catch (e) {
      return indicator.down({ message: (e as Error).message });
    }
  }
}
