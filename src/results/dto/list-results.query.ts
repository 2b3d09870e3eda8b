import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';
import { OptionalRunId, OptionalScheduler, OptionalTaskBound } from '../../common/query-fields.js';

export const FORMATS = ['json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
const FORMAT_DOC = 'json: a page; csv: every matching row streamed as text/csv (limit and cursor do not apply)';

export class ListResultsQuery extends PageQuery {
  @OptionalRunId('every run')
  runId?: number;

  @OptionalScheduler()
  scheduler?: string;

  @ApiPropertyOptional({ description: 'Task index in its run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(INT4_MAX)
  taskId?: number;

  @OptionalTaskBound('First')
  taskFrom?: number;

  @OptionalTaskBound('Last')
  taskTo?: number;

  @ApiPropertyOptional({ enum: FORMATS, default: 'json', description: FORMAT_DOC }) @IsOptional() @IsIn(FORMATS)
  format: Format = 'json';
}

export class ComparativeQuery extends PageQuery {
  @OptionalRunId('the continuous run')
  runId?: number;

  @ApiPropertyOptional({ enum: FORMATS, default: 'json', description: FORMAT_DOC }) @IsOptional() @IsIn(FORMATS)
  format: Format = 'json';
}
