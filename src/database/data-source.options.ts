import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import { ENTITIES } from './entities.js';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  migrationsRun: boolean;
  /** idle_in_transaction_session_timeout of the pool's sessions, ms (unset: PostgreSQL's default, none). */
  idleInTransactionMs?: number;
}

// Migrations live in the top-level migrations/ folder, and the build compiles them next to the
// compiled app (this file's ../migrations/). Run from its TypeScript source (the tests), this file
// loads the migrations' own sources, which the test runner compiles as it loads them.
const COMPILED = import.meta.url.endsWith('.js');
export const MIGRATIONS_DIR = fileURLToPath(new URL(COMPILED ? '../migrations/' : '../../migrations/', import.meta.url));
const MIGRATION_FILE = COMPILED ? /\.js$/ : /(?<!\.d)\.ts$/;

type MigrationClass = new () => MigrationInterface;

/**
 * The compiled migration classes, in file (timestamp) order. Imported here rather than by
 * TypeORM's glob loader so that every loader (node, the test runner) resolves them the same way.
 */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationClass[]> {
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
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
      // A transaction left open by a process that froze (or lost its network) holds its row locks
      // until PostgreSQL ends it: so that another replica can take the run over, it is ended after
      // this long idle (twice the leader's lease).
      ...(settings.idleInTransactionMs ? { idle_in_transaction_session_timeout: settings.idleInTransactionMs } : {}),
    },
  };
}
