import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795990211048 implements MigrationInterface {
    name = 'InitialSchema1795990211048'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "simulation_state" ("id" SERIAL NOT NULL, "name" character varying(200) NOT NULL, "kind" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "seed" bigint NOT NULL, "config" jsonb NOT NULL DEFAULT '{}'::jsonb, "tasks_processed" integer NOT NULL DEFAULT '0', "tasks_total" integer, "rng_state" jsonb, "last_retrain_at" integer, "model_info" jsonb, "summary" jsonb, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_71bfd4d16b8a10c9105381db46d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_simulation_state_kind_status" ON "simulation_state"  ("kind", "status") `);
        await queryRunner.query(`CREATE TABLE "metrics" ("id" BIGSERIAL NOT NULL, "run_id" integer NOT NULL, "scheduler_name" character varying(32) NOT NULL, "window_start" integer NOT NULL, "window_end" integer NOT NULL, "total_tasks" integer NOT NULL, "total_time" double precision NOT NULL, "avg_time" double precision NOT NULL, "min_time" double precision NOT NULL, "max_time" double precision NOT NULL, "total_energy" double precision NOT NULL, "total_cost" double precision NOT NULL, "wins" integer NOT NULL, "losses" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_metrics_run_scheduler_window" UNIQUE ("run_id", "scheduler_name", "window_start"), CONSTRAINT "PK_5283cad666a83376e28a715bf0e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "scheduler_results" ("id" BIGSERIAL NOT NULL, "run_id" integer NOT NULL, "task_id" integer NOT NULL, "scheduler_name" character varying(32) NOT NULL, "gpu_fraction" double precision NOT NULL, "cpu_fraction" double precision NOT NULL, "gpu_id" smallint, "exec_time" double precision NOT NULL, "wait_time" double precision NOT NULL, "completion_time" double precision NOT NULL, "start_time" double precision NOT NULL, "finish_time" double precision NOT NULL, "energy_consumption" double precision NOT NULL, "execution_cost" double precision NOT NULL, "extra_metadata" jsonb, "executed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_scheduler_results_run_task_scheduler" UNIQUE ("run_id", "task_id", "scheduler_name"), CONSTRAINT "PK_e3c7b2a7382e121f70d6eb59422" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_scheduler_results_run_scheduler_task" ON "scheduler_results"  ("run_id", "scheduler_name", "task_id") `);
        await queryRunner.query(`CREATE TABLE "tasks" ("id" BIGSERIAL NOT NULL, "run_id" integer NOT NULL, "task_id" integer NOT NULL, "size" integer NOT NULL, "compute_intensity" double precision NOT NULL, "memory_required" double precision NOT NULL, "duration_estimate" double precision NOT NULL, "arrival_time" double precision NOT NULL, "dependencies" jsonb NOT NULL DEFAULT '[]'::jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_tasks_run_task" UNIQUE ("run_id", "task_id"), CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "model_versions" ("id" SERIAL NOT NULL, "run_id" integer NOT NULL, "version" integer NOT NULL, "trained_at_task" integer NOT NULL, "samples" integer NOT NULL, "r2" double precision, "mae" double precision, "feature_importances" jsonb NOT NULL, "duration_ms" double precision NOT NULL, "model" jsonb, "trained_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_model_versions_run_version" UNIQUE ("run_id", "version"), CONSTRAINT "PK_77c0256872dcc26394dba4b87ec" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "training_data" ("id" BIGSERIAL NOT NULL, "run_id" integer NOT NULL, "task_id" integer NOT NULL, "size" integer NOT NULL, "compute_intensity" double precision NOT NULL, "memory_required" double precision NOT NULL, "memory_per_size" double precision NOT NULL, "compute_to_memory" double precision NOT NULL, "optimal_gpu_fraction" double precision NOT NULL, "optimal_time" double precision NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_training_data_run_task" UNIQUE ("run_id", "task_id"), CONSTRAINT "PK_5566eba0d3a4726bb4a0e71f31a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`ALTER TABLE "metrics" ADD CONSTRAINT "fk_metrics_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheduler_results" ADD CONSTRAINT "fk_scheduler_results_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "tasks" ADD CONSTRAINT "fk_tasks_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "model_versions" ADD CONSTRAINT "fk_model_versions_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training_data" ADD CONSTRAINT "fk_training_data_run" FOREIGN KEY ("run_id") REFERENCES "simulation_state"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "training_data" DROP CONSTRAINT "fk_training_data_run"`);
        await queryRunner.query(`ALTER TABLE "model_versions" DROP CONSTRAINT "fk_model_versions_run"`);
        await queryRunner.query(`ALTER TABLE "tasks" DROP CONSTRAINT "fk_tasks_run"`);
        await queryRunner.query(`ALTER TABLE "scheduler_results" DROP CONSTRAINT "fk_scheduler_results_run"`);
        await queryRunner.query(`ALTER TABLE "metrics" DROP CONSTRAINT "fk_metrics_run"`);
        await queryRunner.query(`DROP TABLE "training_data"`);
        await queryRunner.query(`DROP TABLE "model_versions"`);
        await queryRunner.query(`DROP TABLE "tasks"`);
        await queryRunner.query(`DROP INDEX "public"."idx_scheduler_results_run_scheduler_task"`);
        await queryRunner.query(`DROP TABLE "scheduler_results"`);
        await queryRunner.query(`DROP TABLE "metrics"`);
        await queryRunner.query(`DROP INDEX "public"."idx_simulation_state_kind_status"`);
        await queryRunner.query(`DROP TABLE "simulation_state"`);
    }

}
