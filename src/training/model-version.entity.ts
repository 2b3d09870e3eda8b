import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/** A hybrid_ml model trained during a run: its quality figures and the serialised forest. */
@Entity({ name: 'model_versions' })
@Unique('uq_model_versions_run_version', ['runId', 'version'])
export class ModelVersion {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_model_versions_run' })
  run?: SimulationRun;

  @Column({ type: 'integer' })
  version: number;

  // Index of the task whose label completed the training window.
  @Column({ name: 'trained_at_task', type: 'integer' })
  trainedAtTask: number;

  @Column({ type: 'integer' })
  samples: number;

  @Column({ type: DOUBLE, nullable: true })
  r2: number | null;

  @Column({ type: DOUBLE, nullable: true })
  mae: number | null;

  @Column({ name: 'feature_importances', type: 'jsonb' })
  featureImportances: Record<string, number>;

  @Column({ name: 'duration_ms', type: DOUBLE })
  durationMs: number;

  @Column({ type: 'jsonb', nullable: true })
  model: unknown;

  @Column({ name: 'trained_at', type: 'timestamptz', default: () => 'now()' })
  trainedAt: Date;
}

/** A model version as the read side lists it: every column but the serialised model, and whether that is still stored. */
export type StoredModelVersion = Omit<ModelVersion, 'model' | 'run'> & { modelRetained: boolean };
