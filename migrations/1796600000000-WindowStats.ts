import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each metrics window carries its strategy's StrategyStats over the window (the leaderboard's
 * accumulators: sketches, regret, scheduling), from which the windows API derives percentiles,
 * regret and the scheduling metrics. Windows written before this have none (null).
 */
export class WindowStats1796600000000 implements MigrationInterface {
  name = 'WindowStats1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "metrics" ADD "stats" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "metrics" DROP COLUMN "stats"`);
  }
}
