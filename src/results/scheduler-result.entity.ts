import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import { SimulationRun } from '../simulation/simulation-run.entity.js';

/** One strategy's placement of one task and its simulated outcome. */
@Entity({ name: 'scheduler_results' })
@Unique('uq_scheduler_results_run_task_scheduler', ['runId', 'taskId', 'schedulerName'])
// Serves per-strategy reads (filters, leaderboard) without touching other strategies' rows.
@Index('idx_scheduler_results_run_scheduler_task', ['runId', 'schedulerName', 'taskId'])
// Covers the leaderboard's per-strategy aggregates and percentiles: an index-only scan that
// hands each strategy's completion times over already sorted.
@Index('idx_scheduler_results_leaderboard', ['runId', 'schedulerName', 'completionTime', 'execTime', 'waitTime', 'energyConsumption', 'executionCost'])
// Covers wins and losses: each task's results in completion order, without touching the heap.
@Index('idx_scheduler_results_run_task_completion', ['runId', 'taskId', 'completionTime', 'schedulerName'])
export class SchedulerResult {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_scheduler_results_run' })
  run?: SimulationRun;

  @Column({ name: 'task_id', type: 'integer' })
  taskId: number;

  @Column({ name: 'scheduler_name', type: 'varchar', length: 32 })
  schedulerName: string;

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
