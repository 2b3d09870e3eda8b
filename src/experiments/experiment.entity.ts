import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/** A seed sweep over a grid of run settings: one ordinary batch run per (cell, seed). */
@Entity({ name: 'experiments' })
export class Experiment {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The settings every run shares (a batch run's body without kind, name and seed). */
  @Column({ type: 'jsonb' })
  base: Record<string, unknown>;

  /** [setting, the values it takes] pairs; the cells are every combination, the first setting varying slowest. */
  @Column({ type: 'jsonb' })
  grid: [string, unknown[]][];

  @Column({ type: 'jsonb' })
  seeds: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One run of an experiment: its cell (index into the grid's combinations) and seed. */
@Entity({ name: 'experiment_runs' })
@Index('uq_experiment_runs_run', ['runId'], { unique: true })
export class ExperimentRun {
  @PrimaryColumn({ name: 'experiment_id', type: 'integer' })
  experimentId: number;

  @PrimaryColumn({ type: 'integer' })
  cell: number;

  @PrimaryColumn({ type: 'bigint' })
  seed: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @ManyToOne(() => Experiment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'experiment_id', foreignKeyConstraintName: 'fk_experiment_runs_experiment' })
  experiment?: Experiment;

  // A run deleted on its own leaves its experiment one run short.
  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_experiment_runs_run' })
  run?: SimulationRun;
}
