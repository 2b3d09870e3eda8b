import { ApiProperty } from '@nestjs/swagger';

/** A strategy's outcome on a task, as the comparative view shows it. */
export const COMPARATIVE_RESULT_FIELDS = ['gpuFraction', 'gpuId', 'execTime', 'waitTime', 'completionTime', 'energyConsumption', 'executionCost'] as const;

export class StrategyOutcome {
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of the task run on the GPU, fraction 0-1 (the rest runs on the CPU at the same time)' }) gpuFraction: number;
  @ApiProperty({ nullable: true, type: Number, description: 'GPU index; null when the task ran on the CPU alone' }) gpuId: number | null;
  @ApiProperty({ description: 'max(CPU part, GPU part): the task alone on an idle machine, s' }) execTime: number;
  @ApiProperty({ description: 'completionTime − execTime: queueing and dependencies, s; ≥ 0' }) waitTime: number;
  @ApiProperty({ description: 'finish − arrival, s' }) completionTime: number;
  @ApiProperty({ description: 'Energy, J' }) energyConsumption: number;
  @ApiProperty({ description: 'Cost, $' }) executionCost: number;
}

/** One task with every strategy's outcome side by side. */
export class ComparativeItem {
  @ApiProperty({ description: 'Index of the task in its run' }) taskId: number;
  @ApiProperty({ description: 'Task size, unitless work amount; the CPU time estimate is (size/1000)^1.5 / (computeIntensity + 0.5) s' }) size: number;
  @ApiProperty({ description: 'Compute intensity, unitless 0-1: the GPU speeds its share up by 1 + 3·intensity' }) computeIntensity: number;
  @ApiProperty({ description: 'Memory the task needs, MB' }) memoryRequired: number;
  @ApiProperty({ description: 'Arrival time, simulated s since the run began' }) arrivalTime: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/StrategyOutcome' },
    description: 'Keyed by strategy name',
  })
  results: Record<string, StrategyOutcome>;
  @ApiProperty({ type: [String], description: 'The non-oracle strategies with the smallest completion time on this task (ties: all of them)' })
  winners: string[];
}
