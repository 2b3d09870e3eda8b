import { fileURLToPath } from 'node:url';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  migrationsRun: boolean;
}

// Migrations live in the top-level migrations/ folder and are compiled to dist/migrations by the
// build; this file sits two levels below the project root both as src/database/*.ts and as
// dist/database/*.js, so one relative path finds them from either.
export const MIGRATIONS_GLOB = fileURLToPath(new URL('../../dist/migrations/*.js', import.meta.url));

/** TypeORM options shared by the app and the migration CLI. `synchronize` is never on. */
export function buildDataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsRun: settings.migrationsRun,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    extra: {
      max: settings.poolSize,
      // A vanished database must fail calls fast, not queue them forever.
      connectionTimeoutMillis: 1000,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
    },
  };
}
