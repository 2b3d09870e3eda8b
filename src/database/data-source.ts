// Data source for the TypeORM CLI (`npm run migration:*`): the same options as the app, with the
// embedded PostgreSQL default when DATABASE_URL is unset, and the same migration lock.
import { readEnv } from '../config/env.js';
import { buildDataSourceOptions } from './data-source.options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { MigrationLockingDataSource } from './migration-lock.js';

const env = readEnv();
const url = env.DATABASE_URL ?? (await startEmbeddedPostgres(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT)).url;

export default new MigrationLockingDataSource(await buildDataSourceOptions({ url, poolSize: 2, migrationsRun: false }));
