import { BadRequestException, HttpException } from '@nestjs/common';
import type { RunRequest } from '../runs/dto/run-request.js';
import { parseRunRequest } from '../runs/dto/run-request.js';
import { MAX_EXPERIMENT_RUNS } from './dto/create-experiment.dto.js';

/** One combination of the grid's values. */
export type Cell = Record<string, unknown>;

/** Settings a grid may vary: a batch run's, but the seed (the experiment's) and strategies (every cell compares the same ones). */
export const GRID_SETTINGS = [
  'tasks',
  'arrivalRate',
  'gpus',
  'retrainInterval',
  'retrainLag',
  'windowSize',
  'warmupTasks',
  'gpuSpeedupPerIntensity',
  'bandwidthMBps',
  'gpuSpeeds',
  'cpuPowerW',
  'gpuPowerW',
  'cpuRatePerS',
  'gpuRatePerS',
] as const;
const MAX_VALUES = 20;
const NOT_IN_BASE = ['kind', 'name', 'seed', 'trace'];

/** Every combination of the grid's values, the first setting varying slowest; one empty cell for an empty grid. */
export function gridCells(grid: Record<string, readonly unknown[]>): Cell[] {
  return Object.entries(grid).reduce<Cell[]>((cells, [key, values]) => cells.flatMap((cell) => values.map((value) => ({ ...cell, [key]: value }))), [{}]);
}

/** Checks the grid's shape; answers its cells. 400 with every problem otherwise. */
export function checkGrid(base: Record<string, unknown>, grid: Record<string, unknown>, seeds: number): Cell[] {
  const problems: string[] = [];
  for (const key of Object.keys(base)) if (NOT_IN_BASE.includes(key)) problems.push(`base.${key}: not allowed (experiments run generated batches; seeds come from seeds or repetitions)`);
  for (const [key, values] of Object.entries(grid)) {
    if (!(GRID_SETTINGS as readonly string[]).includes(key)) problems.push(`grid.${key}: not a setting a grid may vary; choose from ${GRID_SETTINGS.join(', ')}`);
    else if (!Array.isArray(values) || values.length === 0 || values.length > MAX_VALUES) problems.push(`grid.${key}: must be a list of 1..${MAX_VALUES} values`);
    else if (key in base) problems.push(`grid.${key}: also set in base`);
  }
  if (problems.length > 0) throw new BadRequestException(problems);
  const cells = gridCells(grid as Record<string, unknown[]>);
  if (cells.length * seeds > MAX_EXPERIMENT_RUNS) throw new BadRequestException([`${cells.length} cells × ${seeds} seeds = ${cells.length * seeds} runs: at most ${MAX_EXPERIMENT_RUNS}`]);
  return cells;
}

/** A cell's run request for `seed`, validated as POST /api/simulation/runs validates a body; 400s name the cell. */
export async function cellRequest(name: string, base: Record<string, unknown>, cell: Cell, seed: number): Promise<RunRequest> {
  try {
    return await parseRunRequest('application/json', { ...base, ...cell, kind: 'batch', name, seed }, {});
  } catch (e) {
    if (!(e instanceof HttpException) || e.getStatus() !== 400) throw e;
    const messages = (e.getResponse() as { message?: string | string[] }).message ?? e.message;
    throw new BadRequestException([messages].flat().map((m) => `cell ${JSON.stringify(cell)}: ${m}`));
  }
}
