import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';
import { INT4_MAX } from './parse-id.pipe.js';

/** The names a strategy can have, as a 400 lists them. */
export const STRATEGY_NAMES_LIST = ALL_STRATEGY_NAMES.join(', ');

/** An optional `?runId=` (a positive int4); `omitted` says what a read without it is about. */
export function OptionalRunId(omitted: 'every run' | 'the continuous run'): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: INT4_MAX, description: `Run id; omitted: ${omitted}` }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(INT4_MAX));
}

/** An optional `?scheduler=`: one of the strategies' names (anything else is a 400 listing them). */
export function OptionalScheduler(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ enum: ALL_STRATEGY_NAMES, example: 'eft', description: 'Only this strategy' }),
    IsOptional(),
    IsIn(ALL_STRATEGY_NAMES, { message: `scheduler must be one of: ${STRATEGY_NAMES_LIST}` }),
  );
}

/** An optional end of a task-index range (`?taskFrom=` / `?taskTo=`, inclusive). */
export function OptionalTaskBound(end: 'First' | 'Last'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: INT4_MAX, description: `${end} task index of a range in its run (inclusive)` }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(INT4_MAX),
  );
}

/** An optional `?name=true|false` flag (anything else is a 400). */
export function OptionalFlag(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ enum: ['true', 'false'], description }),
    IsOptional(),
    IsIn(['true', 'false'], { message: '$property must be true or false' }),
  );
}
