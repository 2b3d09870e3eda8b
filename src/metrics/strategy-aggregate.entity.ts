import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DOUBLE } from '../database/column-types.js';
import type { StrategyStatsState } from '../engine/index.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';

/**
 * One strategy's running aggregates over a run's stored results, as of `through_task` tasks: the
 * engine's accumulators (exact sums, wins, regret; quantile sketches of completion and exec time)
 * written by each flush in the transaction of the rows they summarise (docs/decisions/080).
 */
@Entity({ name: 'strategy_aggregates' })
export class StrategyAggregate {
  @PrimaryColumn({ name: 'run_id', type: 'integer', primaryKeyConstraintName: 'pk_strategy_aggregates' })
  runId: number;

  @ManyToOne(() => SimulationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_strategy_aggregates_run' })
  run?: SimulationRun;

  @PrimaryColumn({ name: 'scheduler_name', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_strategy_aggregates' })
  schedulerName: string;

  /** Tasks of the run these aggregates cover (the run's committed progress when written). */
  @Column({ name: 'through_task', type: 'integer' })
  throughTask: number;

  @Column({ type: 'integer' })
  tasks: number;

  @Column({ name: 'sum_completion', type: DOUBLE })
  sumCompletion: number;

  @Column({ name: 'sum_exec', type: DOUBLE })
  sumExec: number;

  @Column({ name: 'sum_wait', type: DOUBLE })
  sumWait: number;

  @Column({ name: 'sum_energy', type: DOUBLE })
  sumEnergy: number;

  @Column({ name: 'sum_cost', type: DOUBLE })
  sumCost: number;

  /** Σ (exec_time − the oracle's exec_time) over its tasks. */
  @Column({ name: 'sum_regret', type: DOUBLE })
  sumRegret: number;

  @Column({ type: 'integer' })
  wins: number;

  @Column({ type: 'integer' })
  losses: number;

  /** The engine's StrategyStatsState: the columns above and the quantile sketches. */
  @Column({ type: 'jsonb' })
  state: StrategyStatsState;
}
