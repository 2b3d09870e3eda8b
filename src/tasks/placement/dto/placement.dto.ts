import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { ALL_STRATEGY_NAMES, type StrategyReason } from '../../../engine/index.js';

export const MAX_PLACEMENT_BATCH = 1000;

/** A task's fields and their bounds, for the decorators below and the batch's own check (placement-tasks.pipe.ts). */
export const PLACEMENT_TASK_FIELDS = {
  size: { min: 1, max: 1e9, optional: false },
  computeIntensity: { min: 0, max: 1, optional: false },
  memoryRequired: { min: 0, max: 1e9, optional: false },
  durationEstimate: { min: 0, max: 1e9, optional: true },
} as const;
const F = PLACEMENT_TASK_FIELDS;

const finite = { allowNaN: false, allowInfinity: false };

/** How the recommendation weighs the objectives; a weight left out counts 0. */
export class ObjectiveWeights {
  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'Weight (dimensionless) of completion time (s, arrival to finish); 0 when left out' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1000)
  time?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'Weight (dimensionless) of energy (J); 0 when left out' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1000)
  energy?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'Weight (dimensionless) of cost ($); 0 when left out' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1000)
  cost?: number;
}

/** One task's features: where should it run now? */
export class PlacementTask {
  @ApiProperty({ minimum: F.size.min, maximum: F.size.max, description: 'Work size of the task (work units; the generated workload draws 100–10,000)' })
  @IsNumber(finite)
  @Min(F.size.min)
  @Max(F.size.max)
  size: number;

  @ApiProperty({ minimum: F.computeIntensity.min, maximum: F.computeIntensity.max, description: 'Compute intensity (fraction, 0–1): how much the task gains on a GPU (speedup 1 + 3 × intensity)' })
  @IsNumber(finite)
  @Min(F.computeIntensity.min)
  @Max(F.computeIntensity.max)
  computeIntensity: number;

  @ApiProperty({ minimum: F.memoryRequired.min, maximum: F.memoryRequired.max, description: 'Memory the task moves to a GPU (MB); its transfer takes memoryRequired / 16,000 s' })
  @IsNumber(finite)
  @Min(F.memoryRequired.min)
  @Max(F.memoryRequired.max)
  memoryRequired: number;

  @ApiPropertyOptional({ minimum: F.durationEstimate.min, maximum: F.durationEstimate.max, description: 'Run time on the CPU alone (s); computed from size and intensity when omitted' })
  @IsOptional()
  @IsNumber(finite)
  @Min(F.durationEstimate.min)
  @Max(F.durationEstimate.max)
  durationEstimate?: number;
}

/** Which machines a placement is evaluated on, and how the recommendation weighs the objectives. */
export class PlacementScope {
  @ApiPropertyOptional({
    minimum: 1,
    description:
      "The run (id) whose machines to place on: its live state when this process is executing it, otherwise its last stored checkpoint " +
      '(404 when the run does not exist, 409 when it has no state yet). Default: the continuous run. Not together with `machine`.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  runId?: number;

  @ApiPropertyOptional({
    enum: ['empty'],
    description: 'empty: idle machines (no queues) with the strategies as a new run starts them (hybrid_ml has no model yet). Not together with `runId`.',
  })
  @IsOptional()
  @IsIn(['empty'])
  machine?: 'empty';

  @ApiPropertyOptional({ minimum: 1, maximum: 64, description: 'GPUs (count) of the empty machine (default 4); only with machine "empty"' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  gpus?: number;

  @ApiPropertyOptional({
    type: ObjectiveWeights,
    description: 'How to weigh completion time, energy and cost for the recommendation. Omitted: time only ({ time: 1 }). Given: a weight left out is 0, and at least one must be above 0',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ObjectiveWeights)
  weights?: ObjectiveWeights;
}

/** POST /api/tasks/placement: one task. */
export class PlacementRequest extends IntersectionType(PlacementTask, PlacementScope) {}

/** A placement batch's options: everything but its tasks. */
export class PlacementBatchOptions extends PlacementScope {
  @ApiPropertyOptional({ enum: ALL_STRATEGY_NAMES, description: "The strategy whose placements to list (default: the recommended one); must be one of the run's strategies" })
  @IsOptional()
  @IsIn(ALL_STRATEGY_NAMES)
  strategy?: string;
}

/** POST /api/tasks/placement/batch: up to 1,000 tasks, placed one after another (validated by PlacementBatchPipe). */
export class PlacementBatchRequest extends PlacementBatchOptions {
  @ApiProperty({
    type: [PlacementTask],
    minItems: 1,
    maxItems: MAX_PLACEMENT_BATCH,
    description: 'The tasks, all arriving now, placed in this order: each strategy places each task on its machine as the tasks before it left it',
  })
  tasks: PlacementTask[];
}

export class PlacementOption {
  @ApiProperty({ description: 'Strategy name' }) strategy: string;
  @ApiProperty({ description: "Share of the task's work on the GPU (fraction, 0–1); the rest runs on the CPU" }) gpuFraction: number;
  @ApiProperty({ nullable: true, type: Number, description: 'GPU index (0-based) that runs the GPU part; null when gpuFraction is 0' }) gpuId: number | null;
  @ApiProperty({ description: 'Simulated time (s) the first used device starts the task' }) startTime: number;
  @ApiProperty({ description: 'Simulated time (s) the task finishes' }) finishTime: number;
  @ApiProperty({ description: 'Execution time (s): the longer of the CPU and GPU parts, the task alone on an idle machine' }) execTime: number;
  @ApiProperty({ description: 'Wait time (s): completionTime − execTime, time spent queued behind earlier tasks' }) waitTime: number;
  @ApiProperty({ description: 'Completion time (s): finish − arrival (now)' }) completionTime: number;
  @ApiProperty({ description: 'Energy (J): CPU part × 100 W + GPU part × 200 W' }) energy: number;
  @ApiProperty({ description: 'Cost ($): CPU part × 0.00002 $/s + GPU part × 0.0001 $/s' }) cost: number;
  @ApiProperty({
    description: 'Weighted score (dimensionless, lower is better): Σ weight × value / best value among the strategies, per objective; the best option on every weighted objective scores the sum of the weights',
  })
  score: number;
}

export class OracleAdvice {
  @ApiProperty({ description: "GPU share (fraction, 0–1) that minimises the task's exec time (not its completion time: it ignores the queues)" }) gpuFraction: number;
  @ApiProperty({ description: 'Exec time (s) at that fraction' }) optimalTime: number;
}

/** Where the machine state of an answer comes from. */
class PlacementState {
  @ApiProperty({ nullable: true, type: Number, description: 'The run (id) whose machines were used; null for machine "empty"' }) runId: number | null;
  @ApiProperty({ enum: ['live', 'checkpoint', 'empty'], description: "live: the run this process is executing, as it is now; checkpoint: the run's last stored state; empty: idle machines" })
  source: 'live' | 'checkpoint' | 'empty';
  @ApiProperty({ description: 'Tasks of the run the machine state includes (count)' }) tasksProcessed: number;
  @ApiProperty({ description: 'Simulated time (s) the tasks arrive at: the arrival of the latest task of that state (0 when empty)' }) now: number;
}

export class PlacementResponse extends PlacementState {
  @ApiProperty({ description: 'CPU run time (s) used for the task: the one given, or computed from size and intensity' }) durationEstimate: number;
  @ApiProperty({ type: OracleAdvice }) oracle: OracleAdvice;
  @ApiProperty({ type: [PlacementOption], description: "Every strategy's placement, in the run's strategy order" }) placements: PlacementOption[];
  @ApiProperty({ type: PlacementOption, description: 'The option with the lowest score (the first on ties)' }) recommendation: PlacementOption;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Why, per strategy that can say so (keyed by strategy name, `kind` names the shape): ' +
      'eft: `alternatives`, its best (f, gpu) pairs with their finish time (s) and energy (J), earliest finish first; ' +
      'hybrid_ml: `predictedF`, the model\'s raw f (null before its first model), `f` it uses (clipped to 0–1), `oracleF` the oracle\'s f, `modelVersion`; ' +
      'rl_agent: `actionValues`, the Q-network\'s value of each f bin (higher is better), and `epsilon`, its exploration rate',
  })
  reasons: Record<string, StrategyReason>;
}

export class BatchPlacement {
  @ApiProperty({ description: 'Index (0-based) of the task in the request' }) index: number;
  @ApiProperty({ description: 'CPU run time (s) used for the task: the one given, or computed from size and intensity' }) durationEstimate: number;
  @ApiProperty({ description: "Share of the task's work on the GPU (fraction, 0–1); the rest runs on the CPU" }) gpuFraction: number;
  @ApiProperty({ nullable: true, type: Number, description: 'GPU index (0-based) that runs the GPU part; null when gpuFraction is 0' }) gpuId: number | null;
  @ApiProperty({ description: 'Simulated time (s) the first used device starts the task' }) startTime: number;
  @ApiProperty({ description: 'Simulated time (s) the task finishes' }) finishTime: number;
  @ApiProperty({ description: 'Execution time (s): the longer of the CPU and GPU parts, the task alone on an idle machine' }) execTime: number;
  @ApiProperty({ description: 'Wait time (s): completionTime − execTime, time spent queued behind earlier tasks (of the run and of the batch)' }) waitTime: number;
  @ApiProperty({ description: 'Completion time (s): finish − arrival (now)' }) completionTime: number;
  @ApiProperty({ description: 'Energy (J): CPU part × 100 W + GPU part × 200 W' }) energy: number;
  @ApiProperty({ description: 'Cost ($): CPU part × 0.00002 $/s + GPU part × 0.0001 $/s' }) cost: number;
}

export class StrategyBatchTotals {
  @ApiProperty({ description: 'Strategy name' }) strategy: string;
  @ApiProperty({ description: 'Simulated time (s) the last task of the batch finishes under this strategy' }) finishTime: number;
  @ApiProperty({ description: 'Mean completion time (s) of the batch’s tasks' }) meanCompletionTime: number;
  @ApiProperty({ description: 'Total energy (J) of the batch' }) energy: number;
  @ApiProperty({ description: 'Total cost ($) of the batch' }) cost: number;
  @ApiProperty({ description: 'Weighted score (dimensionless, lower is better) of mean completion time, total energy and total cost, relative to the best strategy on each' })
  score: number;
}

export class PlacementBatchResponse extends PlacementState {
  @ApiProperty({ type: [StrategyBatchTotals], description: "Each strategy over the whole batch, in the run's strategy order" }) strategies: StrategyBatchTotals[];
  @ApiProperty({ type: StrategyBatchTotals, description: 'The strategy with the lowest score over the whole batch (the first on ties): the one to place these tasks with' })
  recommendation: StrategyBatchTotals;
  @ApiProperty({ description: 'The strategy whose placements are listed: `strategy` when given, else the recommended one' }) strategy: string;
  @ApiProperty({ type: [BatchPlacement], description: "That strategy's placement of each task, in request order" }) placements: BatchPlacement[];
}
