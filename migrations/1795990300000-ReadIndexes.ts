import { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the read side: the leaderboard (aggregates, percentiles, wins) and latest-first training data. */
export class ReadIndexes1795990300000 implements MigrationInterface {
  name = 'ReadIndexes1795990300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_scheduler_results_leaderboard" ON "scheduler_results" ("run_id", "scheduler_name", "completion_time", "exec_time", "wait_time", "energy_consumption", "execution_cost") `,
    );
    await queryRunner.query(`CREATE INDEX "idx_scheduler_results_run_task_completion" ON "scheduler_results" ("run_id", "task_id", "completion_time", "scheduler_name") `);
    await queryRunner.query(`CREATE INDEX "idx_training_data_run_id" ON "training_data" ("run_id", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_training_data_run_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_run_task_completion"`);
    await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_leaderboard"`);
  }
}
