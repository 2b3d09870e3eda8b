import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';
import { OptionalRunId, OptionalTaskBound } from '../../common/query-fields.js';

export class ListTasksQuery extends PageQuery {
  @OptionalRunId('every run')
  runId?: number;

  @ApiPropertyOptional({ description: 'Smallest task size, unitless work amount (inclusive)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(INT4_MAX)
  minSize?: number;

  @ApiPropertyOptional({ description: 'Largest task size, unitless work amount (inclusive)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(INT4_MAX)
  maxSize?: number;

  @ApiPropertyOptional({ description: 'Smallest compute intensity, unitless 0-1 (inclusive)' }) @IsOptional() @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  minIntensity?: number;

  @ApiPropertyOptional({ description: 'Largest compute intensity, unitless 0-1 (inclusive)' }) @IsOptional() @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  maxIntensity?: number;

  @OptionalTaskBound('First')
  taskFrom?: number;

  @OptionalTaskBound('Last')
  taskTo?: number;
}
