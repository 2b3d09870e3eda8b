import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { LimitQuery, PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';

export class ListTrainingDataQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Omitted: every run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;
}

/** `?runId=&limit=`: limit is how many versions of history to return. */
export class ModelQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'Omitted: the continuous run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;
}
