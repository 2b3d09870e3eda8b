import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/page.js';
import { INT4_MAX } from '../../common/parse-id.pipe.js';

export class ListWindowsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX)
  runId?: number;

  @ApiPropertyOptional({ example: 'eft' }) @IsOptional() @IsString() @Matches(/^[a-z_]{1,32}$/, { message: 'scheduler must be a strategy name' })
  scheduler?: string;
}
