import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { INT4_MAX } from './parse-id.pipe.js';

/** A strategy's name as stored: a-z and _, at most 32. */
export const STRATEGY_NAME = /^[a-z_]{1,32}$/;

/** An optional `?runId=` (a positive int4); `omitted` says what a read without it is about. */
export function OptionalRunId(omitted: 'every run' | 'the continuous run'): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: INT4_MAX, description: `Run id; omitted: ${omitted}` }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(INT4_MAX));
}

/** An optional `?scheduler=` strategy name. */
export function OptionalScheduler(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ example: 'eft', pattern: STRATEGY_NAME.source }), IsOptional(), IsString(), Matches(STRATEGY_NAME, { message: 'scheduler must be a strategy name' }));
}
