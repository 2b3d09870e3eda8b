import { ApiProperty } from '@nestjs/swagger';

/** A strategy's outcome on a task, as the comparative view shows it. */
export const COMPARATIVE_RESULT_FIELDS = ['gpuFraction', 'gpuId', 'execTime', 'waitTime', 'completionTime', 'energyConsumption', 'executionCost'] as const;

export class StrategyOutcome {
  @ApiProperty() gpuFraction: number;
  @ApiProperty({ nullable: true, type: Number }) gpuId: number | null;
  @ApiProperty() execTime: number;
  @ApiProperty() waitTime: number;
  @ApiProperty() completionTime: number;
  @ApiProperty() energyConsumption: number;
  @ApiProperty() executionCost: number;
}

/** One task with every strategy's outcome side by side. */
export class ComparativeItem {
  @ApiProperty() taskId: number;
  @ApiProperty() size: number;
  @ApiProperty() computeIntensity: number;
  @ApiProperty() memoryRequired: number;
  @ApiProperty() arrivalTime: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/StrategyOutcome' },
    description: 'Keyed by strategy name',
  })
  results: Record<string, StrategyOutcome>;
  @ApiProperty({ type: [String], description: 'The non-oracle strategies with the smallest completion time on this task (ties: all of them)' })
  winners: string[];
}
