import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const RUN_KINDS = ['continuous', 'batch', 'trace'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATUSES = ['queued', 'running', 'paused', 'stopped', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One row per run (continuous, batch or trace replay): its settings, progress and engine state. */
@Entity({ name: 'simulation_state' })
@Index('idx_simulation_state_kind_status', ['kind', 'status'])
export class SimulationRun {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: RunKind;

  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  @Column({ type: 'bigint' })
  seed: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  config: Record<string, unknown>;

  @Column({ name: 'tasks_processed', type: 'integer', default: 0 })
  tasksProcessed: number;

  @Column({ name: 'tasks_total', type: 'integer', nullable: true })
  tasksTotal: number | null;

  // The engine's full state as of tasks_processed (RNG streams, machine queues, learners).
  @Column({ name: 'rng_state', type: 'jsonb', nullable: true })
  rngState: unknown;

  @Column({ name: 'last_retrain_at', type: 'integer', nullable: true })
  lastRetrainAt: number | null;

  @Column({ name: 'model_info', type: 'jsonb', nullable: true })
  modelInfo: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  summary: unknown;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** The token of the execution that may write the run now (the latest to open it); see RunsRepository.claim. */
  @Column({ type: 'uuid', nullable: true })
  executor: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
