import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-run, per-strategy running aggregates (counts, sums, wins, losses, regret and the engine's
 * quantile sketches), upserted by every flush with the rows they summarise, so the leaderboard
 * reads O(strategies) rows whatever the run's length. Runs flushed before this have none and are
 * read exactly (percentile_cont) until their next flush writes them.
 */
export class StrategyAggregates1796100000000 implements MigrationInterface {
  name = 'StrategyAggregates1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "strategy_aggregates" ("run_id" integer NOT NULL, "scheduler_name" character varying(32) NOT NULL, "through_task" integer NOT NULL,
        "tasks" integer NOT NULL, "sum_completion" double precision NOT NULL, "sum_exec" double precision NOT NULL, "sum_wait" double precision NOT NULL,
        "sum_energy" double precision NOT NULL, "sum_cost" double precision NOT NULL, "sum_regret" double precision NOT NULL, "wins" integer NOT NULL,
        "losses" integer NOT NULL, "state" jsonb NOT NULL, CONSTRAINT "pk_strategy_aggregates" PRIMARY KEY ("run_id", "scheduler_name"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "strategy_aggregates" ADD CONSTRAINT "fk_strategy_aggregates_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "strategy_aggregates" DROP CONSTRAINT "fk_strategy_aggregates_run"`);
    await queryRunner.query(`DROP TABLE "strategy_aggregates"`);
  }
}
