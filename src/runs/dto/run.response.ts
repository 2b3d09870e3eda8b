import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PercentileMethod, RunSummaryEntry } from '../execution/run-summary.js';
import type { RunRow } from '../runs.repository.js';
import { RUN_KINDS, RUN_STATUSES, type RunKind, type RunStatus } from '../simulation-run.entity.js';

// The sketch's default relative error, for summaries stored before the method was recorded
// by runs whose config does not state it.
const DEFAULT_SKETCH_RELATIVE_ERROR = 0.005;

const METHOD =
  "see the entry's percentileMethod: 'exact' is PostgreSQL percentile_cont over the stored results (the leaderboard's method); " +
  "'sketch' is the engine's quantile sketch, within percentileRelativeError of the true value";

/** One metric's distribution over a strategy's tasks, in simulated seconds. */
export class DistributionResponse {
  @ApiProperty({ description: 'Arithmetic mean over the tasks, s (exact)' }) mean: number;
  @ApiProperty({ description: 'Smallest value, s (exact)' }) min: number;
  @ApiProperty({ description: 'Largest value, s (exact)' }) max: number;
  @ApiProperty({ description: `Median, s; ${METHOD}` }) p50: number;
  @ApiProperty({ description: `95th percentile, s; ${METHOD}` }) p95: number;
  @ApiProperty({ description: `99th percentile, s; ${METHOD}` }) p99: number;
}

/** Exec time above the oracle's on the same task. */
export class RegretResponse {
  @ApiProperty({ description: "Sum over tasks of (exec_time − the oracle's exec_time on the same task), s" }) total: number;
  @ApiProperty({ description: "Mean over tasks of (exec_time − the oracle's exec_time), s; ≥ 0. Measured on exec time, not completion time" }) mean: number;
  @ApiProperty({ description: "Largest per-task (exec_time − the oracle's exec_time), s" }) max: number;
}

/** A strategy's line of a finished run's summary. */
export class StrategySummaryResponse {
  @ApiProperty({ example: 'eft' }) strategy: string;
  @ApiProperty({ description: 'Tasks this strategy ran, tasks' }) tasks: number;
  @ApiProperty({ type: DistributionResponse, description: 'completion_time = finish − arrival (wait + exec), s' }) completionTime: DistributionResponse;
  @ApiProperty({ type: DistributionResponse, description: 'exec_time = max(CPU part, GPU part), the task alone on an idle machine, s' }) execTime: DistributionResponse;
  @ApiProperty({ description: 'Mean of wait_time = completion_time − exec_time (queueing and dependencies), s; ≥ 0' }) meanWaitTime: number;
  @ApiProperty({ description: 'Energy of all its tasks, J' }) totalEnergy: number;
  @ApiProperty({ description: 'Mean energy per task, J' }) meanEnergy: number;
  @ApiProperty({ description: 'Cost of all its tasks, $' }) totalCost: number;
  @ApiProperty({ description: 'Mean cost per task, $' }) meanCost: number;
  @ApiProperty({ description: 'Tasks on which it had the smallest completion time among the non-oracle strategies (ties: each wins), tasks' }) wins: number;
  @ApiProperty({ type: RegretResponse, description: 'Regret vs the oracle, on exec time (the oracle minimises each task\'s exec time, not its completion time)' })
  regret: RegretResponse;
  @ApiProperty({ enum: ['exact', 'sketch'], description: 'How min, p50, p95, p99 and max were found: exact (percentile_cont, as the leaderboard) or the quantile sketch' })
  percentileMethod: PercentileMethod;
  @ApiPropertyOptional({ description: "Only with percentileMethod 'sketch': the percentiles' bound on relative error, fraction 0-1 (0.005 = 0.5%)" })
  percentileRelativeError?: number;
}

export class RunResponse {
  @ApiProperty({ description: 'Run id' }) id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RUN_KINDS }) kind: RunKind;
  @ApiProperty({ enum: RUN_STATUSES }) status: RunStatus;
  @ApiProperty({ description: 'Seed of every random stream of the run (integer, no unit)' }) seed: number;
  @ApiProperty({ description: 'Tasks run so far by every strategy, tasks' }) tasksProcessed: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Tasks in the run, tasks; null for the open-ended continuous run' }) tasksTotal: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'tasksProcessed / tasksTotal, fraction 0-1; null for the open-ended continuous run' })
  progress: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "The run's settings as stored: `engine` (the engine config the run chose: seed, gpus, strategies, workload.arrivalRate, learning, " +
      'machine parameters, stats.warmupTasks; the rest are the DESIGN.md defaults) and `windowSize` when the run set its own',
  })
  settings: Record<string, unknown>;
  @ApiPropertyOptional({ type: [StrategySummaryResponse], description: 'Per-strategy summary, once the run has completed (or the continuous run has stopped)' })
  summary?: StrategySummaryResponse[];

  static from(run: RunRow): RunResponse {
    return {
      id: run.id,
      name: run.name,
      kind: run.kind,
      status: run.status,
      seed: run.seed,
      tasksProcessed: run.tasksProcessed,
      tasksTotal: run.tasksTotal,
      progress: run.tasksTotal ? run.tasksProcessed / run.tasksTotal : null,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      ...(run.error ? { error: run.error } : {}),
      settings: run.config ?? {},
      ...(Array.isArray(run.summary) ? { summary: (run.summary as RunSummaryEntry[]).map((entry) => withMethod(entry, run.config)) } : {}),
    };
  }
}

// Summaries stored before the method was recorded hold the sketch's percentiles.
function withMethod(entry: RunSummaryEntry, config: Record<string, unknown>): StrategySummaryResponse {
  if (entry.percentileMethod) return entry;
  const stated = (config?.engine as { stats?: { relativeAccuracy?: unknown } } | undefined)?.stats?.relativeAccuracy;
  return { ...entry, percentileMethod: 'sketch', percentileRelativeError: typeof stated === 'number' ? stated : DEFAULT_SKETCH_RELATIVE_ERROR };
}
