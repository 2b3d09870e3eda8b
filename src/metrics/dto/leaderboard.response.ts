import { ApiProperty } from '@nestjs/swagger';
import type { PercentileMethod } from '../../runs/execution/run-summary.js';

const PERCENTILE =
  "see the response's percentileMethod. exact: percentile_cont (linear interpolation between the closest ranks): with the n completion times sorted ascending v[0..n−1] " +
  'and pos = p·(n−1), v[⌊pos⌋] + (pos − ⌊pos⌋)·(v[⌈pos⌉] − v[⌊pos⌋]); sketch: the same rule on the quantile sketch, ' +
  'within percentileRelativeError of the exact value';

// Ranks and wins are on completion time; the oracle and regret are about exec time.
const ORACLE_NOTE =
  "The oracle minimises each task's exec time (the task alone on an idle machine), not its completion time: it ignores queues, " +
  'so it can rank below other strategies by completion time';

/** One value per device of the strategy's machine. */
export class PerDeviceResponse {
  @ApiProperty({ description: 'The CPU, in the unit of the field (s, or fraction 0-1 for utilisation)' }) cpu: number;
  @ApiProperty({ type: [Number], description: 'GPU 0, GPU 1 …, in the unit of the field (s, or fraction 0-1 for utilisation)' }) gpus: number[];
}

export class UtilisationResponse extends PerDeviceResponse {
  @ApiProperty({ description: 'Mean over the devices (CPU and GPUs), fraction 0-1' }) mean: number;
}

/** A strategy's scheduling metrics over the run's counted tasks (warm-up excluded). Times in simulated seconds. */
export class SchedulingResponse {
  @ApiProperty({ description: 'Last finish − first arrival, s' }) makespan: number;
  @ApiProperty({ description: 'Tasks / makespan, tasks per simulated second' }) throughput: number;
  @ApiProperty({ type: PerDeviceResponse, description: "Busy time per device: the sum of the parts of tasks it ran, s" }) busy: PerDeviceResponse;
  @ApiProperty({ type: UtilisationResponse, description: 'Busy time / makespan per device, fraction 0-1' }) utilisation: UtilisationResponse;
  @ApiProperty({ type: PerDeviceResponse, description: 'Mean queued work per device (its free time − now) seen by each task on arrival, s' })
  meanBacklog: PerDeviceResponse;
  @ApiProperty({ type: PerDeviceResponse, description: 'Largest queued work per device seen by a task on arrival, s' }) maxBacklog: PerDeviceResponse;
}

/** One strategy's standing over every stored result of a run. Times in simulated seconds. */
export class LeaderboardEntry {
  @ApiProperty({ example: 'eft', description: `Strategy name. ${ORACLE_NOTE}` }) scheduler: string;
  @ApiProperty({ description: 'Results stored for this strategy, tasks' }) tasks: number;
  @ApiProperty({ description: 'Arithmetic mean of completion_time (finish − arrival), s; the ranking key' }) meanCompletionTime: number;
  @ApiProperty({ description: `Median completion time, s; p = 0.5, ${PERCENTILE}` }) p50CompletionTime: number;
  @ApiProperty({ description: `95th percentile of completion time, s; p = 0.95, ${PERCENTILE}` }) p95CompletionTime: number;
  @ApiProperty({ description: `99th percentile of completion time, s; p = 0.99, ${PERCENTILE}` }) p99CompletionTime: number;
  @ApiProperty({ description: 'Mean exec_time = max(CPU part, GPU part), the task alone on an idle machine, s; the oracle has the smallest' }) meanExecTime: number;
  @ApiProperty({ description: 'Mean wait_time = completion_time − exec_time (queueing and dependencies), s; ≥ 0' }) meanWaitTime: number;
  @ApiProperty({ description: 'Energy of all its tasks, J' }) totalEnergy: number;
  @ApiProperty({ description: 'Cost of all its tasks, $' }) totalCost: number;
  @ApiProperty({
    description: 'Tasks on which this strategy had the smallest completion time among the non-oracle strategies (ties: each tied strategy wins), tasks; 0 for the oracle',
  })
  wins: number;
  @ApiProperty({ description: 'Tasks on which another non-oracle strategy finished sooner (by completion time), tasks; 0 for the oracle' }) losses: number;
  @ApiProperty({
    description:
      "Mean over the run's tasks of (this strategy's exec_time − the oracle's exec_time on the same task), s; ≥ 0. Measured on exec time, " +
      'not completion time (wins are on completion time), so a strategy can win often and still have regret',
  })
  meanRegret: number;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description:
      'Learners only (hybrid_ml, rl_agent; null for the others): whether it learned anything in this run. false means it never trained ' +
      'and its numbers are those of its fallback (hybrid_ml decides as greedy until its first model)',
  })
  trained: boolean | null;
  @ApiProperty({ nullable: true, type: Number, description: 'hybrid_ml only (null for the others): number of models (model versions) trained in this run' })
  modelVersions: number | null;
  @ApiProperty({
    nullable: true,
    type: SchedulingResponse,
    description: "Makespan, throughput, per-device utilisation and backlog; null while the run's engine is not readable here (stepping in a worker thread) and for runs stored before these metrics",
  })
  scheduling: SchedulingResponse | null;
}

const METHOD =
  "How the percentiles were found. 'sketch' (the default): from the running aggregates each flush stores, O(strategies) " +
  "whatever the run's length; counts, means, totals, wins, losses and regret are exact either way. 'exact' (?exact=true, " +
  'or a run with no stored aggregates): percentile_cont over every stored result, O(rows)';
const RELATIVE_ERROR = "With 'sketch': the percentiles' bound on relative error vs the exact ones, fraction 0-1 (0.005 = 0.5%); null with 'exact'";

export class LeaderboardResponse {
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ enum: ['sketch', 'exact'], description: METHOD }) percentileMethod: PercentileMethod;
  @ApiProperty({ nullable: true, type: Number, description: RELATIVE_ERROR }) percentileRelativeError: number | null;
  @ApiProperty({ type: [LeaderboardEntry], description: 'Best mean completion time first' }) items: LeaderboardEntry[];
}

export class SchedulerStandingResponse {
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ description: 'Rank by mean completion time, 1 = best in the run' }) rank: number;
  @ApiProperty({ description: 'Strategies ranked, strategies' }) of: number;
  @ApiProperty({ enum: ['sketch', 'exact'], description: METHOD }) percentileMethod: PercentileMethod;
  @ApiProperty({ nullable: true, type: Number, description: RELATIVE_ERROR }) percentileRelativeError: number | null;
  @ApiProperty({ type: LeaderboardEntry }) standing: LeaderboardEntry;
}
