import { parseArgs } from 'node:util';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';

export const USAGE = `usage:
  npm run experiment -- --tasks N [--seed S] [--strategies a,b,…] [--arrival-rate R] [--gpus G]
  npm run experiment -- --trace file.csv [--seed S] [--strategies a,b,…] [--gpus G]

  --tasks N          a batch experiment of N generated tasks (1..1000000)
  --trace FILE       replay a CSV trace (task_id,size,compute_intensity,memory_required,arrival_time[,duration_estimate][,dependencies])
  --seed S           PRNG seed (default 42)
  --strategies LIST  comma-separated, from ${ALL_STRATEGY_NAMES.join(', ')} (default all)
  --arrival-rate R   batch only: tasks per simulated second (default 2)
  --gpus G           GPUs of the simulated machine, 1..64 (default 4)

Uses DATABASE_URL, or the embedded PostgreSQL when it is unset (as the service does).`;

const MAX_TASKS = 1_000_000;

export type ExperimentArgs =
  | { kind: 'batch'; tasks: number; seed: number; strategies?: string[]; arrivalRate?: number; gpus?: number }
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
  let values: Record<string, string | boolean | undefined>;
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
  return { kind: 'batch', tasks, ...common, ...(arrivalRate !== undefined ? { arrivalRate } : {}) };
}
