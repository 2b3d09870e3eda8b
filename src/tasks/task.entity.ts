import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/** A task of a run's stream, as generated or imported. */
@Entity({ name: 'tasks' })
@Unique('uq_tasks_run_task', ['runId', 'taskId'])
export class Task {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_tasks_run' })
  run?: SimulationRun;

  @Column({ name: 'task_id', type: 'integer' })
  taskId: number;

  @Column({ type: 'integer' })
  size: number;

  @Column({ name: 'compute_intensity', type: DOUBLE })
  computeIntensity: number;

  @Column({ name: 'memory_required', type: DOUBLE })
  memoryRequired: number;

  @Column({ name: 'duration_estimate', type: DOUBLE })
  durationEstimate: number;

  @Column({ name: 'arrival_time', type: DOUBLE })
  arrivalTime: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  dependencies: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
