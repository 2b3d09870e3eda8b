import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import type { StrategyStatsState } from '../engine/index.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/** Aggregates of one strategy over one window of K consecutive tasks of a run. */
@Entity({ name: 'metrics' })
@Unique('uq_metrics_run_scheduler_window', ['runId', 'schedulerName', 'windowStart'])
export class MetricWindow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_metrics_run' })
  run?: SimulationRun;

  @Column({ name: 'scheduler_name', type: 'varchar', length: 32 })
  schedulerName: string;

  // First and last task_id of the window.
  @Column({ name: 'window_start', type: 'integer' })
  windowStart: number;

  @Column({ name: 'window_end', type: 'integer' })
  windowEnd: number;

  @Column({ name: 'total_tasks', type: 'integer' })
  totalTasks: number;

  @Column({ name: 'total_time', type: DOUBLE })
  totalTime: number;

  @Column({ name: 'avg_time', type: DOUBLE })
  avgTime: number;

  @Column({ name: 'min_time', type: DOUBLE })
  minTime: number;

  @Column({ name: 'max_time', type: DOUBLE })
  maxTime: number;

  @Column({ name: 'total_energy', type: DOUBLE })
  totalEnergy: number;

  @Column({ name: 'total_cost', type: DOUBLE })
  totalCost: number;

  @Column({ type: 'integer' })
  wins: number;

  @Column({ type: 'integer' })
  losses: number;

  /** The strategy's StrategyStatsState over the window; null for windows written before it was stored. */
  @Column({ type: 'jsonb', nullable: true })
  stats: StrategyStatsState | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
