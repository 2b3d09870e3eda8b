import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * scheduler_results carries the bulk of every run's rows, and each of its indexes costs every
 * insert: the natural key becomes the primary key (the surrogate id and the separate unique
 * constraint go), each result records whether it won its task (so wins need no second pass over
 * the run), and one covering index serves the leaderboard and per-strategy filters.
 */
export class LeanResults1795993298083 implements MigrationInterface {
  name = 'LeanResults1795993298083';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_run_scheduler_task"`);
    await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_leaderboard"`);
    await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_run_task_completion"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" DROP CONSTRAINT "uq_scheduler_results_run_task_scheduler"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" DROP CONSTRAINT "PK_e3c7b2a7382e121f70d6eb59422"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" DROP COLUMN "id"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" ADD CONSTRAINT "pk_scheduler_results" PRIMARY KEY ("run_id", "task_id", "scheduler_name")`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" ADD "won" boolean NOT NULL DEFAULT false`);
    // Rows stored before this migration get their wins from their completion times.
    await queryRunner.query(
      `UPDATE "scheduler_results" r SET "won" = true
         FROM (SELECT run_id, task_id, min(completion_time) AS best FROM "scheduler_results" WHERE scheduler_name <> 'oracle' GROUP BY run_id, task_id) b
        WHERE r.run_id = b.run_id AND r.task_id = b.task_id AND r.scheduler_name <> 'oracle' AND r.completion_time = b.best`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_scheduler_results_leaderboard" ON "scheduler_results" ("run_id", "scheduler_name", "completion_time", "exec_time", "wait_time", "energy_consumption", "execution_cost", "won")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_leaderboard"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" DROP COLUMN "won"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" DROP CONSTRAINT "pk_scheduler_results"`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" ADD "id" BIGSERIAL NOT NULL`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" ADD CONSTRAINT "PK_e3c7b2a7382e121f70d6eb59422" PRIMARY KEY ("id")`);
    await queryRunner.query(`ALTER TABLE "scheduler_results" ADD CONSTRAINT "uq_scheduler_results_run_task_scheduler" UNIQUE ("run_id", "task_id", "scheduler_name")`);
    await queryRunner.query(`CREATE INDEX "idx_scheduler_results_run_scheduler_task" ON "scheduler_results" ("run_id", "scheduler_name", "task_id")`);
    await queryRunner.query(
      `CREATE INDEX "idx_scheduler_results_leaderboard" ON "scheduler_results" ("run_id", "scheduler_name", "completion_time", "exec_time", "wait_time", "energy_consumption", "execution_cost")`,
    );
    await queryRunner.query(`CREATE INDEX "idx_scheduler_results_run_task_completion" ON "scheduler_results" ("run_id", "task_id", "completion_time", "scheduler_name")`);
  }
}
