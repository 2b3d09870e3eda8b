import { DataSource, MigrationExecutor, type DataSourceOptions, type Migration, type QueryRunner } from 'typeorm';
import { ADVISORY_LOCK_NAMESPACE, AdvisoryLockKey } from './advisory-locks.js';

type MigrationRunOptions = Parameters<DataSource['runMigrations']>[0];
type TransactionMode = NonNullable<DataSourceOptions['migrationsTransactionMode']>;

const LOCK_KEYS = [ADVISORY_LOCK_NAMESPACE, AdvisoryLockKey.migrations];

/**
 * A DataSource that applies and reverts migrations under a PostgreSQL advisory lock, so several
 * processes starting together on one database (replicas of a Deployment, or the CLI next to a
 * running app) migrate one at a time: the first applies what is pending, the others wait for it
 * and then find nothing to do. TypeORM 1.x has no lock of its own around migrations.
 *
 * The lock is taken on one connection, and the migrations run on that same connection: a pool of
 * one is enough, and if the connection drops PostgreSQL both rolls the migration back and frees
 * the lock. `migrationsRun` at initialize() goes through runMigrations() and so takes the lock too.
 */
export class MigrationLockingDataSource extends DataSource {
  override async runMigrations(options?: MigrationRunOptions): Promise<Migration[]> {
    const mode = options?.transaction ?? this.options.migrationsTransactionMode ?? 'all';
    return this.underMigrationLock((queryRunner) => this.executor(queryRunner, mode, options?.fake).executePendingMigrations());
  }

  override async undoLastMigration(options?: MigrationRunOptions): Promise<void> {
    // TypeORM's own default for a revert is one transaction, whatever migrationsTransactionMode says.
    await this.underMigrationLock((queryRunner) => this.executor(queryRunner, options?.transaction ?? 'all', options?.fake).undoLastMigration());
  }

  private executor(queryRunner: QueryRunner, mode: TransactionMode, fake = false): MigrationExecutor {
    const executor = new MigrationExecutor(this, queryRunner);
    executor.transaction = mode;
    executor.fake = fake;
    return executor;
  }

  private async underMigrationLock<T>(work: (queryRunner: QueryRunner) => Promise<T>): Promise<T> {
    const queryRunner = this.createQueryRunner();
    let unlocked = false;
    try {
      const [{ locked }] = (await queryRunner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', LOCK_KEYS)) as [{ locked: boolean }];
      if (!locked) {
        this.logger.logMigration('Another process is applying migrations: waiting for it to finish.');
        await queryRunner.query('SELECT pg_advisory_lock($1, $2)', LOCK_KEYS);
      }
      try {
        return await work(queryRunner);
      } finally {
        await queryRunner.query('SELECT pg_advisory_unlock($1, $2)', LOCK_KEYS);
        unlocked = true;
      }
    } finally {
      await releaseConnection(queryRunner, unlocked);
    }
  }
}

/**
 * Hands the connection back to the pool, unless it may still hold the lock (the unlock did not
 * go through): then pg-pool is told to close it, and closing the session frees the lock.
 */
async function releaseConnection(queryRunner: QueryRunner, unlocked: boolean): Promise<void> {
  const postgres = queryRunner as QueryRunner & { releasePostgresConnection?: (err?: Error) => Promise<void> };
  if (!unlocked && postgres.releasePostgresConnection) {
    await postgres.releasePostgresConnection(new Error('the migration lock was not released'));
  } else {
    await queryRunner.release();
  }
}

/** For TypeOrmModule's dataSourceFactory: the app's data source, with locked migrations. */
export async function createDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('createDataSource needs the data source options');
  return new MigrationLockingDataSource(options);
}
