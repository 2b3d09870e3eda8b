import { parseArgs } from 'node:util';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';
import { GRID_SETTINGS } from '../experiments/experiment-grid.js';

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** An experiment's part of the command line: seeds, grid and where to write the results. */
export interface SweepArgs {
  seeds: number[];
  grid: Record<string, number[]>;
  out?: { file: string; format: 'json' | 'csv' };
}

export const USAGE = `usage:
  npm run experiment -- --tasks N [--seed S] [--strategies a,b,…] [--arrival-rate R] [--gpus G]
  npm run experiment -- --tasks N --seeds K [--grid setting=v1,v2,…]… [--out file.json|file.csv] [same options]
  npm run experiment -- --trace file.csv [--seed S] [--strategies a,b,…] [--gpus G]

  --tasks N          a batch experiment of N generated tasks (1..1000000)
  --trace FILE       replay a CSV trace (task_id,size,compute_intensity,memory_required,arrival_time[,duration_estimate][,dependencies])
  --seed S           PRNG seed (default 42)
  --strategies LIST  comma-separated, from ${ALL_STRATEGY_NAMES.join(', ')} (default all)
  --arrival-rate R   batch only: tasks per simulated second (default 2)
  --gpus G           GPUs of the simulated machine, 1..64 (default 4)
  --seeds K          an experiment: every cell runs with seeds S, S+1 … S+K−1 (1..100); prints per cell the
                     mean ± 95% confidence interval over seeds and the paired differences to the best strategy
  --grid SETTING=V,… an experiment over every combination of the grids' values (repeatable), e.g.
                     --grid arrival-rate=1,2,4 --grid gpus=2,4,8; settings: ${GRID_SETTINGS.map(kebab).join(', ')}
  --out FILE         with --seeds or --grid: write the results, as JSON (.json) or CSV (.csv)

Uses DATABASE_URL, or the embedded PostgreSQL when it is unset (as the service does).`;

const MAX_TASKS = 1_000_000;

export type ExperimentArgs =
  | { kind: 'batch'; tasks: number; seed: number; strategies?: string[]; arrivalRate?: number; gpus?: number; sweep?: SweepArgs }
  | { kind: 'trace'; trace: string; seed: number; strategies?: string[]; gpus?: number };

/** A bad command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new UsageError(`--${name}: must be an integer ${min}..${max}, got "${text}"`);
  return value;
}

/** Parses the experiment CLI's arguments; throws UsageError on anything it cannot run. */
export function parseExperimentArgs(argv: string[]): ExperimentArgs | 'help' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        tasks: { type: 'string' },
        trace: { type: 'string' },
        seed: { type: 'string' },
        strategies: { type: 'string' },
        'arrival-rate': { type: 'string' },
        gpus: { type: 'string' },
        seeds: { type: 'string' },
        grid: { type: 'string', multiple: true },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const text = (name: string) => values[name] as string | undefined;
  if ((text('tasks') === undefined) === (text('trace') === undefined)) throw new UsageError('give exactly one of --tasks or --trace');
  const seed = integer('seed', text('seed'), 0, 2_147_483_647) ?? 42;
  const gpus = integer('gpus', text('gpus'), 1, 64);
  let strategies: string[] | undefined;
  if (text('strategies') !== undefined) {
    strategies = text('strategies')!.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = strategies.filter((s) => !(ALL_STRATEGY_NAMES as readonly string[]).includes(s));
    if (strategies.length === 0 || unknown.length > 0) throw new UsageError(`--strategies: unknown ${unknown.join(', ') || '(empty)'}; choose from ${ALL_STRATEGY_NAMES.join(', ')}`);
  }
  const common = { seed, ...(strategies ? { strategies } : {}), ...(gpus !== undefined ? { gpus } : {}) };
  const trace = text('trace');
  if (trace !== undefined) {
    if (text('arrival-rate') !== undefined) throw new UsageError('--arrival-rate: only with --tasks (a trace has its own arrival times)');
    if (text('seeds') !== undefined || values.grid !== undefined || text('out') !== undefined) throw new UsageError('--seeds, --grid and --out: only with --tasks');
    if (trace.trim() === '') throw new UsageError('--trace: give a CSV file');
    return { kind: 'trace', trace, ...common };
  }
  const tasks = integer('tasks', text('tasks'), 1, MAX_TASKS) as number;
  let arrivalRate: number | undefined;
  const rate = text('arrival-rate');
  if (rate !== undefined) {
    arrivalRate = Number(rate);
    if (rate.trim() === '' || !Number.isFinite(arrivalRate) || arrivalRate < 0.001 || arrivalRate > 1_000_000) {
      throw new UsageError(`--arrival-rate: must be a number 0.001..1000000, got "${rate}"`);
    }
  }
  const sweep = sweepArgs(seed, text('seeds'), (values.grid as string[] | undefined) ?? [], text('out'));
  return { kind: 'batch', tasks, ...common, ...(arrivalRate !== undefined ? { arrivalRate } : {}), ...(sweep ? { sweep } : {}) };
}

// --seeds, --grid and --out; undefined for a single run.
function sweepArgs(seed: number, seedsText: string | undefined, grids: string[], out: string | undefined): SweepArgs | undefined {
  if (seedsText === undefined && grids.length === 0) {
    if (out !== undefined) throw new UsageError('--out: only with --seeds or --grid');
    return undefined;
  }
  const count = integer('seeds', seedsText, 1, 100) ?? 1;
  const grid: Record<string, number[]> = {};
  for (const spec of grids) {
    const [name, list] = spec.split('=', 2);
    const setting = camel(name.trim());
    if (list === undefined || !(GRID_SETTINGS as readonly string[]).includes(setting) || setting === 'gpuSpeeds') {
      throw new UsageError(`--grid ${spec}: give setting=v1,v2,… with a setting from ${GRID_SETTINGS.filter((g) => g !== 'gpuSpeeds').map(kebab).join(', ')}`);
    }
    const values = list.split(',').map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
    if (values.some((v) => !Number.isFinite(v))) throw new UsageError(`--grid ${spec}: the values must be numbers`);
    if (setting in grid) throw new UsageError(`--grid ${name}: given twice`);
    grid[setting] = values;
  }
  let file: SweepArgs['out'];
  if (out !== undefined) {
    const format = out.toLowerCase().endsWith('.json') ? 'json' : out.toLowerCase().endsWith('.csv') ? 'csv' : undefined;
    if (!format) throw new UsageError(`--out ${out}: the file must end in .json or .csv`);
    file = { file: out, format };
  }
  return { seeds: Array.from({ length: count }, (_, i) => seed + i), grid, ...(file ? { out: file } : {}) };
}
