import { readFile, writeFile } from 'node:fs/promises';
import { HttpException, type INestApplicationContext } from '@nestjs/common';
import { InvalidEnvironmentError } from '../config/env.schema.js';
import { readEnv } from '../config/env.js';
import type { EmbeddedDatabase } from '../database/embedded-postgres.js';
import { EngineError, parseTraceCsv, TraceValidationError, type Task } from '../engine/index.js';
import { experimentCsv } from '../experiments/experiment-csv.js';
import { gridCells } from '../experiments/experiment-grid.js';
import type { ExperimentDetail, ExperimentsService } from '../experiments/experiments.service.js';
import type { LeaderboardService } from '../metrics/leaderboard.service.js';
import type { RunSummaryEntry } from '../runs/execution/run-summary.js';
import type { RunCatalog } from '../runs/run-catalog.service.js';
import type { RunLifecycle } from '../runs/run-lifecycle.service.js';
import { parseExperimentArgs, UsageError, USAGE, type ExperimentArgs, type SweepArgs } from './experiment-args.js';
import { ExperimentProgress, experimentTables, leaderboardTable } from './experiment-report.js';

const POLL_MS = 250;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// The app is loaded only once the arguments are good: a usage error answers at once.
async function loadApp() {
  const [{ NestFactory }, { AppModule }, { startEmbeddedPostgres }, { RunLifecycle }, { RunCatalog }, { LeaderboardService }, { ExperimentsService }] = await Promise.all([
    import('@nestjs/core'),
    import('../app.module.js'),
    import('../database/embedded-postgres.js'),
    import('../runs/run-lifecycle.service.js'),
    import('../runs/run-catalog.service.js'),
    import('../metrics/leaderboard.service.js'),
    import('../experiments/experiments.service.js'),
  ]);
  return { NestFactory, AppModule, startEmbeddedPostgres, RunLifecycle, RunCatalog, LeaderboardService, ExperimentsService };
}

interface Context {
  app: INestApplicationContext;
  lifecycle: RunLifecycle;
  runs: RunCatalog;
  leaderboard: LeaderboardService;
  experiments: ExperimentsService;
}

async function createRun({ lifecycle }: Context, args: ExperimentArgs, trace: Task[] | null): Promise<{ id: number; total: number }> {
  const options = { seed: args.seed, strategies: args.strategies, gpus: args.gpus };
  if (args.kind === 'batch') {
    const run = await lifecycle.create({ kind: 'batch', name: undefined, tasks: args.tasks, options: { ...options, arrivalRate: args.arrivalRate } });
    return { id: run.id, total: args.tasks };
  }
  const tasks = trace as Task[];
  const run = await lifecycle.create({ kind: 'trace', name: `trace ${args.trace} (seed ${args.seed})`, trace: tasks, options });
  return { id: run.id, total: tasks.length };
}

/**
 * An experiment (--seeds / --grid): created through the experiments service as the API does, polled
 * until every run is over; prints per cell the means ± 95% intervals and the paired differences.
 */
async function sweep({ experiments }: Context, args: Extract<ExperimentArgs, { kind: 'batch' }>, plan: SweepArgs): Promise<number> {
  const base: Record<string, unknown> = { tasks: args.tasks, strategies: args.strategies, gpus: args.gpus, arrivalRate: args.arrivalRate };
  // A setting the grid varies is not also the base's.
  for (const key of Object.keys(base)) if (base[key] === undefined || key in plan.grid) delete base[key];
  const { id } = await experiments.create({ name: `cli: ${args.tasks} tasks`, base, grid: plan.grid, seeds: plan.seeds });
  const cells = gridCells(plan.grid);
  const total = cells.reduce((sum, cell) => sum + ((cell.tasks as number | undefined) ?? args.tasks), 0) * plan.seeds.length;
  process.stderr.write(`experiment ${id}: ${cells.length} cells × ${plan.seeds.length} seeds = ${cells.length * plan.seeds.length} runs (${total} tasks)\n`);
  const startedAt = Date.now();
  const progress = new ExperimentProgress(total);
  let detail: ExperimentDetail;
  try {
    for (;;) {
      detail = await experiments.get(id);
      progress.update(detail.progress.tasksProcessed);
      if (detail.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - startedAt) / 1000;
  process.stdout.write(`experiment ${id} ${detail.status}: ${detail.progress.completed} of ${detail.progress.runs} runs completed in ${seconds.toFixed(1)} s (${(detail.progress.completed / seconds).toFixed(2)} runs/s)\n\n`);
  process.stdout.write(`${experimentTables(detail)}\n`);
  if (plan.out) {
    await writeFile(plan.out.file, plan.out.format === 'json' ? `${JSON.stringify(detail, null, 2)}\n` : experimentCsv(detail.grid, detail.cells));
    process.stderr.write(`results written to ${plan.out.file}\n`);
  }
  return detail.status === 'completed' ? 0 : EXIT_FAILED;
}

/** Polls the run until it is over; the executing engine gives live progress, the store the rest. */
async function waitForRun({ runs }: Context, id: number, progress: ExperimentProgress): Promise<{ status: string; error?: string; summary?: unknown }> {
  for (;;) {
    const run = await runs.getRun(id);
    progress.update(runs.liveRun(id)?.processed ?? run.tasksProcessed);
    if (run.status === 'completed' || run.status === 'failed') return run;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function experiment(args: ExperimentArgs, trace: Task[] | null): Promise<number> {
  // The CLI steps its own run only: the continuous run never starts by itself here.
  // The CLI runs its own experiment only: it neither starts nor resumes a service's runs.
  const env = readEnv({ SIM_AUTOSTART: 'false', SIM_RESUME: 'false' });
  const { NestFactory, AppModule, startEmbeddedPostgres, RunLifecycle, RunCatalog, LeaderboardService, ExperimentsService } = await loadApp();
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    process.stderr.write(`DATABASE_URL unset: using the embedded PostgreSQL in ${env.EMBEDDED_PG_DIR}\n`);
    embedded = await startEmbeddedPostgres(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT);
  }
  try {
    const app = await NestFactory.createApplicationContext(AppModule.register({ env, databaseUrl: env.DATABASE_URL ?? embedded!.url }), {
      logger: env.LOG_LEVEL === 'silent' ? false : ['fatal', 'error', 'warn'],
    });
    const context: Context = {
      app,
      lifecycle: app.get(RunLifecycle),
      runs: app.get(RunCatalog),
      leaderboard: app.get(LeaderboardService),
      experiments: app.get(ExperimentsService),
    };
    try {
      if (args.kind === 'batch' && args.sweep) return await sweep(context, args, args.sweep);
      const startedAt = Date.now();
      const { id, total } = await createRun(context, args, trace);
      process.stderr.write(`run ${id}: ${args.kind === 'batch' ? `batch of ${total} tasks` : `trace ${args.trace} (${total} tasks)`}, seed ${args.seed}\n`);
      const progress = new ExperimentProgress(total);
      const run = await waitForRun(context, id, progress).finally(() => progress.stop());
      if (run.status === 'failed') {
        process.stderr.write(`run ${id} failed: ${run.error ?? 'unknown error'}\n`);
        return EXIT_FAILED;
      }
      const seconds = (Date.now() - startedAt) / 1000;
      process.stdout.write(`run ${id} completed: ${total} tasks in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} tasks/s)\n`);
      const untrained = (await context.leaderboard.get(id)).items.filter((e) => e.trained === false).map((e) => e.scheduler);
      process.stdout.write(`${leaderboardTable(run.summary as RunSummaryEntry[], untrained)}\n`);
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseExperimentArgs>;
  try {
    args = parseExperimentArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    // A trace is read and checked before anything touches the database: a missing or bad file answers at once.
    const trace = args.kind === 'trace' ? parseTraceCsv(await readFile(args.trace, 'utf8')) : null;
    return await experiment(args, trace);
  } catch (e) {
    // What the user can fix (a bad trace, an unknown strategy, a bad environment) is said plainly.
    if (e instanceof TraceValidationError) {
      const rows = e.errors.slice(0, 10).map((r) => `  row ${r.row}: ${r.code}: ${r.message}`);
      process.stderr.write(`${e.message}\n${rows.join('\n')}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof HttpException && e.getStatus() === 400) {
      process.stderr.write(`${[(e.getResponse() as { message?: string | string[] }).message ?? e.message].flat().join('\n')}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof EngineError || e instanceof InvalidEnvironmentError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

main()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(EXIT_FAILED);
  });
