import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import { ENTITIES } from './entities.js';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  migrationsRun: boolean;
}

// Migrations live in the top-level migrations/ folder and are compiled to dist/migrations by the
// build; this file sits two levels below the project root both as src/database/*.ts and as
// dist/database/*.js, so one relative path finds them from either.
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../dist/migrations/', import.meta.url));

type MigrationClass = new () => MigrationInterface;

/**
 * The compiled migration classes, in file (timestamp) order. Imported here rather than by
 * TypeORM's glob loader so that every loader (node, the test runner) resolves them the same way.
 */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationClass[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.js')).sort();
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(path.join(dir, f)).href) as Promise<Record<string, unknown>>));
  return modules.flatMap((m) => Object.values(m).filter((v): v is MigrationClass => typeof v === 'function'));
}

/** TypeORM options shared by the app and the migration CLI. `synchronize` is never on. */
export async function buildDataSourceOptions(settings: DatabaseSettings): Promise<DataSourceOptions> {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: await loadMigrations(),
    migrationsTableName: 'migrations',
    migrationsRun: settings.migrationsRun,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Query errors surface through the HTTP error filter or the caller; no second report here.
    logging: ['migration'],
    extra: {
      max: settings.poolSize,
      // A vanished database must fail calls fast, not queue them forever.
      connectionTimeoutMillis: 1000,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
    },
  };
}
