import { MigrationInterface, QueryRunner } from 'typeorm';

/** Experiments (seed sweeps over a grid of run settings) and the runs each one created. */
export class Experiments1796554287107 implements MigrationInterface {
  name = 'Experiments1796554287107';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "experiments" ("id" SERIAL NOT NULL, "name" character varying(200) NOT NULL, "base" jsonb NOT NULL, "grid" jsonb NOT NULL, "seeds" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aafe1321d916fac58ba06ad8178" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "experiment_runs" ("experiment_id" integer NOT NULL, "cell" integer NOT NULL, "seed" bigint NOT NULL, "run_id" integer NOT NULL, CONSTRAINT "PK_0055054d347c322e7ff5c03084a" PRIMARY KEY ("experiment_id", "cell", "seed"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_experiment_runs_run" ON "experiment_runs"  ("run_id") `);
    await queryRunner.query(`ALTER TABLE "experiment_runs" ADD CONSTRAINT "fk_experiment_runs_experiment" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "experiment_runs" ADD CONSTRAINT "fk_experiment_runs_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "experiment_runs" DROP CONSTRAINT "fk_experiment_runs_run"`);
    await queryRunner.query(`ALTER TABLE "experiment_runs" DROP CONSTRAINT "fk_experiment_runs_experiment"`);
    await queryRunner.query(`DROP INDEX "public"."uq_experiment_runs_run"`);
    await queryRunner.query(`DROP TABLE "experiment_runs"`);
    await queryRunner.query(`DROP TABLE "experiments"`);
  }
}
