import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from './cache/cache.module.js';
import type { EnvironmentVariables } from './config/env.schema.js';
import { buildDataSourceOptions } from './database/data-source.options.js';
import { createDataSource } from './database/migration-lock.js';
import { ExperimentsModule } from './experiments/experiments.module.js';
import { HealthModule } from './health/health.module.js';
import { LegacyModule } from './legacy/legacy.module.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ResultsModule } from './results/results.module.js';
import { SecurityModule } from './security/security.module.js';
import { RUN_WORKER } from './runs/execution/worker/worker-run-execution.js';
import { FOREST_FIT_WORKER } from './runs/fitting/model-trainer.service.js';
import { RunsModule } from './runs/runs.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { TrainingModule } from './training/training.module.js';

export interface AppOptions {
  /** Validated environment (see config/env.schema.ts). */
  env: EnvironmentVariables;
  /** DATABASE_URL, or the embedded cluster's URL when it is unset. */
  databaseUrl: string;
  /** The compiled forest-fit worker, for an app run from its TypeScript sources (tests); else the one beside the compiled trainer. */
  forestFitWorker?: string;
  /** The compiled run worker, likewise (else the one beside the compiled WorkerRunExecution). */
  runWorker?: string;
}

@Module({})
export class AppModule {
  static register({ env, databaseUrl, forestFitWorker, runWorker }: AppOptions): DynamicModule {
    const workers = [
      ...(forestFitWorker ? [{ provide: FOREST_FIT_WORKER, useValue: forestFitWorker }] : []),
      ...(runWorker ? [{ provide: RUN_WORKER, useValue: runWorker }] : []),
    ];
    return {
      module: AppModule,
      global: true,
      providers: workers,
      exports: workers.map((w) => w.provide),
      imports: [
        // The validated env is the only source: process.env was read once, in config/env.ts.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...env, DATABASE_URL: databaseUrl })] }),
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions({ url: databaseUrl, poolSize: env.DB_POOL_SIZE, migrationsRun: env.DB_MIGRATIONS_RUN, idleInTransactionMs: 2 * env.SIM_LEADER_LEASE_MS }),
          dataSourceFactory: createDataSource,
        }),
        EventEmitterModule.forRoot(),
        RedisModule,
        CacheModule,
        ObservabilityModule,
        SecurityModule,
        HealthModule,
        RunsModule,
        TasksModule,
        ResultsModule,
        MetricsModule,
        TrainingModule,
        LiveModule,
        LegacyModule,
        ExperimentsModule,
      ],
    };
  }
}
