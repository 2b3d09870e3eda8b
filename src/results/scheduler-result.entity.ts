import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/** One strategy's placement of one task and its simulated outcome. */
// The natural key is the primary key: results are the bulk of every run's rows, and each index
// they carry costs every insert (a surrogate id and its index bought nothing).
@Entity({ name: 'scheduler_results' })
// Covers the leaderboard's per-strategy aggregates, percentiles and wins: an index-only scan that
// hands each strategy's completion times over already sorted. Per-strategy filters use its prefix.
@Index('idx_scheduler_results_leaderboard', ['runId', 'schedulerName', 'completionTime', 'execTime', 'waitTime', 'energyConsumption', 'executionCost', 'won'])
export class SchedulerResult {
  @PrimaryColumn({ name: 'run_id', type: 'integer', primaryKeyConstraintName: 'pk_scheduler_results' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_scheduler_results_run' })
  run?: SimulationRun;

  @PrimaryColumn({ name: 'task_id', type: 'integer', primaryKeyConstraintName: 'pk_scheduler_results' })
  taskId: number;

  @PrimaryColumn({ name: 'scheduler_name', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_scheduler_results' })
  schedulerName: string;

  /** Whether this strategy won the task: a non-oracle strategy with the task's smallest completion time (ties all win). */
  @Column({ type: 'boolean', default: false })
  won: boolean;

  @Column({ name: 'gpu_fraction', type: DOUBLE })
  gpuFraction: number;

  @Column({ name: 'cpu_fraction', type: DOUBLE })
  cpuFraction: number;

  @Column({ name: 'gpu_id', type: 'smallint', nullable: true })
  gpuId: number | null;

  @Column({ name: 'exec_time', type: DOUBLE })
  execTime: number;

  @Column({ name: 'wait_time', type: DOUBLE })
  waitTime: number;

  @Column({ name: 'completion_time', type: DOUBLE })
  completionTime: number;

  @Column({ name: 'start_time', type: DOUBLE })
  startTime: number;

  @Column({ name: 'finish_time', type: DOUBLE })
  finishTime: number;

  @Column({ name: 'energy_consumption', type: DOUBLE })
  energyConsumption: number;

  @Column({ name: 'execution_cost', type: DOUBLE })
  executionCost: number;

  @Column({ name: 'extra_metadata', type: 'jsonb', nullable: true })
  extraMetadata: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'executed_at', type: 'timestamptz' })
  executedAt: Date;
}
