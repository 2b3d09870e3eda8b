import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';

export const STRATEGY_NAME = /^[a-z_]{1,32}$/;

export class ListWindowsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Omitted: the continuous run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;

  @ApiPropertyOptional({ example: 'eft' }) @IsOptional() @IsString() @Matches(STRATEGY_NAME, { message: 'scheduler must be a strategy name' })
  scheduler?: string;
}

export class RunQuery {
  @ApiPropertyOptional({ description: 'Omitted: the continuous run (the latest run of kind continuous)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  runId?: number;
}
