import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fencing: each execution of a run (a replica's continuous run, a worker's batch job) claims the
 * run with a token of its own, and every flush commits only while that token is still the run's.
 */
export class RunExecutor1796000000000 implements MigrationInterface {
  name = 'RunExecutor1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "simulation_state" ADD "executor" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "simulation_state" DROP COLUMN "executor"`);
  }
}
