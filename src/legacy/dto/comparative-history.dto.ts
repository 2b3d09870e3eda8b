import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/page.js';

export class ComparativeHistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}

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
