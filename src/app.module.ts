import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from './cache/cache.module.js';
import type { EnvironmentVariables } from './config/env.schema.js';
import { buildDataSourceOptions } from './database/data-source.options.js';
import { HealthModule } from './health/health.module.js';
import { LegacyModule } from './legacy/legacy.module.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ResultsModule } from './results/results.module.js';
import { SecurityModule } from './security/security.module.js';
import { SimulationModule } from './simulation/simulation.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { TrainingModule } from './training/training.module.js';

export interface AppOptions {
  /** Validated environment (see config/env.schema.ts). */
  env: EnvironmentVariables;
  /** DATABASE_URL, or the embedded cluster's URL when it is unset. */
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static register({ env, databaseUrl }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The validated env is the only source: process.env was read once, in config/env.ts.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...env, DATABASE_URL: databaseUrl })] }),
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions({ url: databaseUrl, poolSize: env.DB_POOL_SIZE, migrationsRun: env.DB_MIGRATIONS_RUN }),
        }),
        RedisModule,
        CacheModule,
        ObservabilityModule,
        SecurityModule,
        HealthModule,
        SimulationModule,
        TasksModule,
        ResultsModule,
        MetricsModule,
        TrainingModule,
        LiveModule,
        LegacyModule,
      ],
    };
  }
}
