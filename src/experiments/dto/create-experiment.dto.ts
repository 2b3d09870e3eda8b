import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_EXPERIMENT_SEEDS = 100;
export const MAX_EXPERIMENT_RUNS = 1000;

/** POST /api/experiments. */
export class CreateExperimentDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The settings every run shares: a batch run body (POST /api/simulation/runs) without kind, name and seed, e.g. ' +
      '{ "tasks": 2000, "gpus": 8, "strategies": ["eft", "hybrid_ml"] }',
    example: { tasks: 2000, strategies: ['eft', 'greedy', 'hybrid_ml'] },
  })
  @IsObject()
  base: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: {} },
    description: 'Setting → the values it takes (a batch run setting other than seed, name and strategies); one cell per combination. Default: one cell, the base',
    example: { arrivalRate: [1, 2, 4], gpus: [4, 8] },
  })
  @IsOptional()
  @IsObject()
  grid?: Record<string, unknown[]>;

  @ApiPropertyOptional({ type: [Number], description: `The seed of each repetition (every cell runs with each), distinct, 1..${MAX_EXPERIMENT_SEEDS} of them; or give repetitions` })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPERIMENT_SEEDS)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(2_147_483_647, { each: true })
  seeds?: number[];

  @ApiPropertyOptional({ description: 'Repetitions n, with seeds 1, 2 … n (instead of seeds), unitless', minimum: 1, maximum: MAX_EXPERIMENT_SEEDS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXPERIMENT_SEEDS)
  repetitions?: number;
}

export class CreatedExperimentResponse {
  @ApiProperty({ description: 'Experiment id (GET /api/experiments/:id)' }) id: number;
}
