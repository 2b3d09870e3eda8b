import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ALL_STRATEGY_NAMES } from '../../engine/index.js';
import type { RunOptions } from '../execution/run-factory.js';

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

const WINDOW_SIZE = 'Tasks per metrics window (default SIM_WINDOW_TASKS, 100)';
const WARMUP = 'The first this many tasks warm the machines up: they run, but no result, window or statistic counts them (default 0)';
const GPU_SPEEDS = 'Speed multiplier of each GPU, one per GPU, unitless (mixed GPU types: a GPU part takes 1/multiplier the time; default every GPU 1)';

/** The machine model's parameters a run may set (engine machine config; defaults DESIGN.md). */
const MACHINE_SETTINGS = {
  gpuSpeedupPerIntensity: ['GPU speed-up factor k: s = 1 + k · compute_intensity (default 3)', 0, 1_000],
  bandwidthMBps: ['Host-to-GPU transfer bandwidth, MB/s (default 16000)', 0.001, 1e9],
  cpuPowerW: ['CPU power, W (default 100)', 0, 1e6],
  gpuPowerW: ['GPU power, W (default 200)', 0, 1e6],
  cpuRatePerS: ['CPU price, $ per busy second (default 0.00002)', 0, 1e6],
  gpuRatePerS: ['GPU price, $ per busy second (default 0.0001)', 0, 1e6],
} as const;

/** A finite number setting of a run, in the JSON body or (converted from text) the CSV form's query string. */
function RunNumber([description, minimum, maximum]: readonly [string, number, number], from: 'body' | 'query'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, minimum, maximum }),
    IsOptional(),
    ...(from === 'query' ? [Type(() => Number)] : []),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(minimum),
    Max(maximum),
  );
}

/** machine.gpuSpeeds: a JSON array, or comma-separated in the query string. */
function GpuSpeeds(from: 'body' | 'query'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: GPU_SPEEDS, type: from === 'query' ? String : [Number], ...(from === 'query' ? { example: '1,1,2,2' } : {}) }),
    IsOptional(),
    ...(from === 'query' ? [Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => (v.trim() === '' ? Number.NaN : Number(v))) : value))] : []),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(64),
    IsNumber({ allowNaN: false, allowInfinity: false }, { each: true }),
    IsPositive({ each: true }),
  );
}

/**
 * The settings the JSON body and the CSV form's query string share (`from`: how they arrive; a
 * query's are converted from text first). Name, strategies and the batch's own are each form's.
 */
function RunSettingsFields(from: 'body' | 'query') {
  abstract class RunSettingsFields implements Omit<RunOptions, 'seed' | 'strategies' | 'arrivalRate'> {
    @RunSetting(SEED, 0, 2_147_483_647, from)
    seed?: number;

    @RunSetting(GPUS, 1, 64, from)
    gpus?: number;

    @RunSetting(RETRAIN_INTERVAL, 1, MAX_RETRAIN_SETTING, from)
    retrainInterval?: number;

    @RunSetting(RETRAIN_LAG, 0, MAX_RETRAIN_SETTING, from)
    retrainLag?: number;

    @RunSetting(WINDOW_SIZE, 1, MAX_RUN_TASKS, from)
    windowSize?: number;

    @RunSetting(WARMUP, 0, MAX_RUN_TASKS, from)
    warmupTasks?: number;

    @RunNumber(MACHINE_SETTINGS.gpuSpeedupPerIntensity, from)
    gpuSpeedupPerIntensity?: number;

    @RunNumber(MACHINE_SETTINGS.bandwidthMBps, from)
    bandwidthMBps?: number;

    @GpuSpeeds(from)
    gpuSpeeds?: number[];

    @RunNumber(MACHINE_SETTINGS.cpuPowerW, from)
    cpuPowerW?: number;

    @RunNumber(MACHINE_SETTINGS.gpuPowerW, from)
    gpuPowerW?: number;

    @RunNumber(MACHINE_SETTINGS.cpuRatePerS, from)
    cpuRatePerS?: number;

    @RunNumber(MACHINE_SETTINGS.gpuRatePerS, from)
    gpuRatePerS?: number;
  }
  return RunSettingsFields;
}

/** POST /api/simulation/runs as JSON: a generated batch experiment or a trace replay. */
export class CreateRunDto extends RunSettingsFields('body') {
  @ApiProperty({ enum: ['batch', 'trace'] })
  @IsIn(['batch', 'trace'])
  kind: 'batch' | 'trace';

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

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

  @ApiPropertyOptional({ enum: ALL_STRATEGY_NAMES, isArray: true, description: STRATEGIES })
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
export class CsvRunQuery extends RunSettingsFields('query') {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: `${STRATEGIES}, comma-separated: ${ALL_STRATEGY_NAMES.join(',')}`, type: String, example: 'greedy,hybrid_ml,oracle' })
  @IsOptional()
  @Transform(commaSeparated)
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALL_STRATEGY_NAMES, { each: true })
  strategies?: string[];
}

export class CreatedRunResponse {
  @ApiProperty({ description: 'Run id (GET /api/simulation/runs/:id)' }) id: number;
  @ApiProperty({ enum: ['queued'] }) status: string;
}
