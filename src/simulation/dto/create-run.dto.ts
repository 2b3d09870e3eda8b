import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';

export const MAX_RUN_TASKS = 1_000_000;

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

  @ApiPropertyOptional({ description: 'GPUs of the simulated machine (default 4)', minimum: 1, maximum: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  gpus?: number;

  @ApiPropertyOptional({ enum: ALL_STRATEGY_NAMES, isArray: true, description: 'Strategies to run (default all)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALL_STRATEGY_NAMES, { each: true })
  strategies?: string[];

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

/** POST /api/simulation/runs with a text/csv body (a trace): name and seed come as query parameters. */
export class CsvRunQuery {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;
}

export class CreatedRunResponse {
  @ApiProperty({ description: 'Run id (GET /api/simulation/runs/:id)' }) id: number;
  @ApiProperty({ enum: ['queued'] }) status: string;
}
