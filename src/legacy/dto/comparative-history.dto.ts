import { ApiProperty } from '@nestjs/swagger';
import { LimitQuery } from '../../common/page.js';

export class ComparativeHistoryQuery extends LimitQuery {}

export class ComparativeResult {
  @ApiProperty({ description: 'Completion time (s)' }) time: number;
  @ApiProperty({ description: 'Joules' }) energy: number;
  @ApiProperty({ description: 'Dollars' }) cost: number;
}

/** One task of the continuous run with every strategy's result side by side. */
export class ComparativeHistoryRow {
  @ApiProperty() task_id: number;
  @ApiProperty() size: number;
  @ApiProperty() intensity: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ComparativeResult' } })
  results: Record<string, ComparativeResult>;
}
