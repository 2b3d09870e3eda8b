import { ApiProperty } from '@nestjs/swagger';
import { LimitQuery } from '../../common/page.js';

export class ComparativeHistoryQuery extends LimitQuery {}

export class ComparativeResult {
  @ApiProperty({ description: 'Completion time (s)' }) time: number;
  @ApiProperty({ description: 'Energy, J' }) energy: number;
  @ApiProperty({ description: 'Cost, $' }) cost: number;
}

/** One task of the continuous run with every strategy's result side by side. */
export class ComparativeHistoryRow {
  @ApiProperty({ description: 'Index of the task in the continuous run' }) task_id: number;
  @ApiProperty({ description: 'Task size, unitless work amount; the CPU time estimate is (size/1000)^1.5 / (computeIntensity + 0.5) s' }) size: number;
  @ApiProperty({ description: 'Compute intensity, unitless 0-1: the GPU speeds its share up by 1 + 3·intensity' }) intensity: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ComparativeResult' } })
  results: Record<string, ComparativeResult>;
}
