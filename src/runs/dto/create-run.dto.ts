import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ALL_STRATEGY_NAMES } from '../../engine/index.js';

export const MAX_RUN_TASKS = 1_000_000;
const MAX_RETRAIN_SETTING = 1_000_000;

const RETRAIN_INTERVAL =
  'hybrid_ml retrains every this many tasks (oracle labels), after early retrains at 50, 100, 200, 400 … labels below half of it ' +
  '(default SIM_BATCH_RETRAIN_INTERVAL, 1000)';
const RETRAIN_LAG =
  'Tasks from a retrain to the task its model takes effect at, so the fit runs while the run steps on; an early retrain waits a tenth ' +
  'of its labels at most. 0 = at once (default SIM_BATCH_RETRAIN_LAG, 2000)';
const GPUS = 'GPUs of the simulated machine (default 4)';
const SEED = 'Seed of every random stream of the run (default 42)';

/**
 * An optional integer setting of a run, the same in the JSON body and in the CSV form's query
 * string (`from: 'query'`: converted from its text first).
 */
function RunSetting(description: string, minimum: number, maximum: number, from: 'body' | 'query'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, minimum, maximum }),
    IsOptional(),
    ...(from === 'query' ? [Type(() => Number)] : []),
    IsInt(),
    Min(minimum),
    Max(maximum),
  );
}
const STRATEGIES = 'Strategies to run (default all)';

/** POST /api/simulation/runs as JSON: a generated batch experiment or a trace replay. */
export class CreateRunDto {
  @ApiProperty({ enum: ['batch', 'trace'] })
  @IsIn(['batch', 'trace'])
  kind: 'batch' | 'trace';

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @RunSetting(SEED, 0, 2_147_483_647, 'body')
  seed?: number;

  @ApiPropertyOptional({ description: 'batch: number of generated tasks', minimum: 1, maximum: MAX_RUN_TASKS })
  @ValidateIf((o: CreateRunDto) => o.kind === 'batch')
  @IsInt()
  @Min(1)
  @Max(MAX_RUN_TASKS)
  tasks?: number;

  @ApiPropertyOptional({ description: 'batch: Poisson arrival rate, tasks per simulated second (default 2)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(1_000_000)
  arrivalRate?: number;

  @RunSetting(GPUS, 1, 64, 'body')
  gpus?: number;

  @ApiPropertyOptional({ enum: ALL_STRATEGY_NAMES, isArray: true, description: STRATEGIES })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALL_STRATEGY_NAMES, { each: true })
  strategies?: string[];

  @RunSetting(RETRAIN_INTERVAL, 1, MAX_RETRAIN_SETTING, 'body')
  retrainInterval?: number;

  @RunSetting(RETRAIN_LAG, 0, MAX_RETRAIN_SETTING, 'body')
  retrainLag?: number;

  @ApiPropertyOptional({
    description: 'trace: task records { task_id, size, compute_intensity, memory_required, arrival_time, duration_estimate?, dependencies? }',
    type: 'array',
    items: { type: 'object' },
  })
  @ValidateIf((o: CreateRunDto) => o.kind === 'trace')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RUN_TASKS)
  trace?: unknown[];
}

// ?strategies=greedy,oracle (or the parameter repeated) as a list of names.
const commaSeparated = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' || Array.isArray(value)
    ? [value]
        .flat()
        .flatMap((v) => String(v).split(','))
        .map((name) => name.trim())
        .filter((name) => name !== '')
    : value;

/** POST /api/simulation/runs with a text/csv body (a trace): the JSON body's settings come as query parameters. */
export class CsvRunQuery {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @RunSetting(SEED, 0, 2_147_483_647, 'query')
  seed?: number;

  @RunSetting(GPUS, 1, 64, 'query')
  gpus?: number;

  @ApiPropertyOptional({ description: `${STRATEGIES}, comma-separated: ${ALL_STRATEGY_NAMES.join(',')}`, type: String, example: 'greedy,hybrid_ml,oracle' })
  @IsOptional()
  @Transform(commaSeparated)
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALL_STRATEGY_NAMES, { each: true })
  strategies?: string[];

  @RunSetting(RETRAIN_INTERVAL, 1, MAX_RETRAIN_SETTING, 'query')
  retrainInterval?: number;

  @RunSetting(RETRAIN_LAG, 0, MAX_RETRAIN_SETTING, 'query')
  retrainLag?: number;
}

export class CreatedRunResponse {
  @ApiProperty({ description: 'Run id (GET /api/simulation/runs/:id)' }) id: number;
  @ApiProperty({ enum: ['queued'] }) status: string;
}
