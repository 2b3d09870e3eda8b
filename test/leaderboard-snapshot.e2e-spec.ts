import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { LeaderboardRepository } from '../src/metrics/leaderboard.repository.js';
import { insertRun, type FixtureRun } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

const TASKS = 40;

describe(`${LeaderboardRepository.name}: strategies side by side on one snapshot`, () => {
  const sut = useTestApp('leaderboard_snapshot');
  let run: FixtureRun;

  beforeAll(async () => {
    run = await insertRun(sut.databaseUrl, { tasks: TASKS, seed: 4 });
  });

  it('gives every strategy the same tasks when a flush commits between its queries', async () => {
    // A flush in progress: every strategy's result of one more task, not yet committed.
    const writer = new pg.Client({ connectionString: sut.databaseUrl });
    await writer.connect();
    await writer.query('BEGIN');
    await writer.query(
      `INSERT INTO scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time,
                                      start_time, finish_time, energy_consumption, execution_cost)
       SELECT run_id, $2, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time, completion_time, start_time, finish_time,
              energy_consumption, execution_cost
       FROM scheduler_results WHERE run_id = $1 AND task_id = 0`,
      [run.runId, TASKS],
    );
    // It commits right after a connection other than the first one began its transaction: before
    // that transaction took or imported any snapshot.
    const db = sut.app.get(DataSource);
    const create = db.createQueryRunner.bind(db);
    let runners = 0;
    let committed = false;
    const spy = jest.spyOn(db, 'createQueryRunner').mockImplementation((mode) => {
      const runner: QueryRunner = create(mode);
      const helper = runners++ > 0;
      const query = runner.query.bind(runner) as (sql: string, params?: unknown[]) => Promise<unknown>;
      runner.query = (async (sql: string, params?: unknown[]) => {
        if (helper && !committed && !sql.startsWith('BEGIN')) {
          committed = true;
          await writer.query('COMMIT');
        }
        return query(sql, params);
      }) as QueryRunner['query'];
      return runner;
    });
    try {
      const during = await sut.app.get(LeaderboardRepository).aggregates(run.runId);
      expect(committed).toBe(true);
      expect(runners).toBeGreaterThan(1);
      expect(during.map((a) => [a.scheduler, Number(a.tasks)])).toEqual(during.map((a) => [a.scheduler, TASKS]));
    } finally {
      spy.mockRestore();
      await writer.end();
    }
    const after = await sut.app.get(LeaderboardRepository).aggregates(run.runId);
    expect(after).toHaveLength(7);
    expect(after.every((a) => Number(a.tasks) === TASKS + 1)).toBe(true);
  });
});
