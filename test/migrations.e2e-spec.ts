import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source.options.js';
import { ROOT } from './support/child-app.js';
import { createDatabase, dropDatabase, query } from './support/database.js';

const TABLES = ['experiment_runs', 'experiments', 'metrics', 'model_versions', 'scheduler_results', 'simulation_state', 'strategy_aggregates', 'tasks', 'training_data'];

async function userTables(url: string): Promise<string[]> {
  const rows = await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1");
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let url: string;
  let sut: DataSource;

  beforeAll(async () => {
    url = await createDatabase('migrations');
    sut = await new DataSource(await buildDataSourceOptions({ url, poolSize: 2, migrationsRun: false })).initialize();
  });

  afterAll(async () => {
    await sut?.destroy();
    await dropDatabase(url);
  });

  it('apply on an empty database and revert it to empty', async () => {
    expect(await userTables(url)).toEqual([]);
    const applied = await sut.runMigrations();
    expect(applied.length).toBeGreaterThan(0);
    expect(await userTables(url)).toEqual(TABLES);
    expect(await sut.showMigrations()).toBe(false);

    for (let i = 0; i < applied.length; i++) await sut.undoLastMigration();
    expect(await userTables(url)).toEqual([]);
    expect(await sut.showMigrations()).toBe(true);
  });

  it('leave no drift between the entities and the schema (migration:generate finds nothing)', async () => {
    await sut.runMigrations();
    const run = promisify(execFile)(
      process.execPath,
      [`${ROOT}/node_modules/typeorm/cli.js`, 'migration:generate', '-d', 'dist/database/data-source.js', '--dryrun', '--check', 'migrations/Drift'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATABASE_URL: url } },
    );
    const { stdout } = await run;
    expect(stdout).toContain('No changes in database schema were found');
  });
});
