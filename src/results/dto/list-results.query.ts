import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';

export const FORMATS = ['json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
const FORMAT_DOC = 'json: a page; csv: every matching row streamed as text/csv (limit and cursor do not apply)';

export class ListResultsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;

  @ApiPropertyOptional({ example: 'eft' }) @IsOptional() @IsString() @Matches(/^[a-z_]{1,32}$/, { message: 'scheduler must be a strategy name' })
  scheduler?: string;

  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(INT4_MAX)
  taskId?: number;

  @ApiPropertyOptional({ enum: FORMATS, default: 'json', description: FORMAT_DOC }) @IsOptional() @IsIn(FORMATS)
  format: Format = 'json';
}

export class ComparativeQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Omitted: the continuous run' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;

  @ApiPropertyOptional({ enum: FORMATS, default: 'json', description: FORMAT_DOC }) @IsOptional() @IsIn(FORMATS)
  format: Format = 'json';
}
