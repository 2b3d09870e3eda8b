import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';

export const MAX_RUN_TASKS = 1_000_000;
const MAX_RETRAIN_SETTING = 1_000_000;

const RETRAIN_INTERVAL =
  'hybrid_ml retrains every this many tasks (oracle labels), after early retrains at 50, 100, 200, 400 … labels below half of it ' +
  '(default SIM_BATCH_RETRAIN_INTERVAL, 1000)';
const RETRAIN_LAG =
  'Tasks from a retrain to the task its model takes effect at, so the fit runs while the run steps on; an early retrain waits a tenth ' +
  'of its labels at most. 0 = at once (default SIM_BATCH_RETRAIN_LAG, 2000)';
const GPUS = 'GPUs of the simulated machine (default 4)';
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

  @ApiPropertyOptional({ description: 'Seed of every random stream of the run (default 42)', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
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

  @ApiPropertyOptional({ description: GPUS, minimum: 1, maximum: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  gpus?: number;

  @ApiPropertyOptional({ enum: ALL_STRATEGY_NAMES, isArray: true, description: STRATEGIES })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALL_STRATEGY_NAMES, { each: true })
  strategies?: string[];

  @ApiPropertyOptional({ description: RETRAIN_INTERVAL, minimum: 1, maximum: MAX_RETRAIN_SETTING })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RETRAIN_SETTING)
  retrainInterval?: number;

  @ApiPropertyOptional({ description: RETRAIN_LAG, minimum: 0, maximum: MAX_RETRAIN_SETTING })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RETRAIN_SETTING)
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

  @ApiPropertyOptional({ description: 'Seed of every random stream of the run (default 42)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;

  @ApiPropertyOptional({ description: GPUS, minimum: 1, maximum: 64 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  gpus?: number;

  @ApiPropertyOptional({ description: `${STRATEGIES}, comma-separated: ${ALL_STRATEGY_NAMES.join(',')}`, type: String, example: 'greedy,hybrid_ml,oracle' })
  @IsOptional()
  @Transform(commaSeparated)
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALL_STRATEGY_NAMES, { each: true })
  strategies?: string[];

  @ApiPropertyOptional({ description: RETRAIN_INTERVAL, minimum: 1, maximum: MAX_RETRAIN_SETTING })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RETRAIN_SETTING)
  retrainInterval?: number;

  @ApiPropertyOptional({ description: RETRAIN_LAG, minimum: 0, maximum: MAX_RETRAIN_SETTING })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_RETRAIN_SETTING)
  retrainLag?: number;
}

export class CreatedRunResponse {
  @ApiProperty({ description: 'Run id (GET /api/simulation/runs/:id)' }) id: number;
  @ApiProperty({ enum: ['queued'] }) status: string;
}
