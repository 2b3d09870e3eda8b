import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';

export class ListTrainingDataQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Omitted: every run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;
}

export class ModelQuery {
  @ApiPropertyOptional({ description: 'Omitted: the continuous run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Versions of history to return' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}
