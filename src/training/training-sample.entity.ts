import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/** A task's features with the oracle's label: what hybrid_ml learns from. */
@Entity({ name: 'training_data' })
@Unique('uq_training_data_run_task', ['runId', 'taskId'])
// Latest-first pages of one run.
@Index('idx_training_data_run_id', ['runId', 'id'])
export class TrainingSample {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_training_data_run' })
  run?: SimulationRun;

  @Column({ name: 'task_id', type: 'integer' })
  taskId: number;

  @Column({ type: 'integer' })
  size: number;

  @Column({ name: 'compute_intensity', type: DOUBLE })
  computeIntensity: number;

  @Column({ name: 'memory_required', type: DOUBLE })
  memoryRequired: number;

  @Column({ name: 'memory_per_size', type: DOUBLE })
  memoryPerSize: number;

  @Column({ name: 'compute_to_memory', type: DOUBLE })
  computeToMemory: number;

  @Column({ name: 'optimal_gpu_fraction', type: DOUBLE })
  optimalGpuFraction: number;

  @Column({ name: 'optimal_time', type: DOUBLE })
  optimalTime: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
