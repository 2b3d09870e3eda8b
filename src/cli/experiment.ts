import { readFile } from 'node:fs/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { InvalidEnvironmentError } from '../config/env.schema.js';
import { readEnv } from '../config/env.js';
import type { EmbeddedDatabase } from '../database/embedded-postgres.js';
import { EngineError, parseTraceCsv, TraceValidationError } from '../engine/index.js';
import type { LeaderboardService } from '../metrics/leaderboard.service.js';
import type { RunSummaryEntry } from '../runs/execution/run-summary.js';
import type { RunCatalog } from '../runs/run-catalog.service.js';
import type { RunLifecycle } from '../runs/run-lifecycle.service.js';
import { parseExperimentArgs, UsageError, USAGE, type ExperimentArgs } from './experiment-args.js';
import { ExperimentProgress, leaderboardTable } from './experiment-report.js';

const POLL_MS = 250;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// The app is loaded only once the arguments are good: a usage error answers at once.
async function loadApp() {
  const [{ NestFactory }, { AppModule }, { startEmbeddedPostgres }, { RunLifecycle }, { RunCatalog }, { LeaderboardService }] = await Promise.all([
    import('@nestjs/core'),
    import('../app.module.js'),
    import('../database/embedded-postgres.js'),
    import('../runs/run-lifecycle.service.js'),
    import('../runs/run-catalog.service.js'),
    import('../metrics/leaderboard.service.js'),
  ]);
  return { NestFactory, AppModule, startEmbeddedPostgres, RunLifecycle, RunCatalog, LeaderboardService };
}

interface Context {
  app: INestApplicationContext;
  lifecycle: RunLifecycle;
  runs: RunCatalog;
  leaderboard: LeaderboardService;
}

async function createRun({ lifecycle }: Context, args: ExperimentArgs): Promise<{ id: number; total: number }> {
  const options = { seed: args.seed, strategies: args.strategies, gpus: args.gpus };
  if (args.kind === 'batch') {
    const run = await lifecycle.create({ kind: 'batch', name: undefined, tasks: args.tasks, options: { ...options, arrivalRate: args.arrivalRate } });
    return { id: run.id, total: args.tasks };
  }
  const trace = parseTraceCsv(await readFile(args.trace, 'utf8'));
  const run = await lifecycle.create({ kind: 'trace', name: `trace ${args.trace} (seed ${args.seed})`, trace, options });
  return { id: run.id, total: trace.length };
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

async function experiment(args: ExperimentArgs): Promise<number> {
  // The CLI steps its own run only: the continuous run never starts by itself here.
  // The CLI runs its own experiment only: it neither starts nor resumes a service's runs.
  const env = readEnv({ SIM_AUTOSTART: 'false', SIM_RESUME: 'false' });
  const { NestFactory, AppModule, startEmbeddedPostgres, RunLifecycle, RunCatalog, LeaderboardService } = await loadApp();
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    process.stderr.write(`DATABASE_URL unset: using the embedded PostgreSQL in ${env.EMBEDDED_PG_DIR}\n`);
    embedded = await startEmbeddedPostgres(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT);
  }
  try {
    const app = await NestFactory.createApplicationContext(AppModule.register({ env, databaseUrl: env.DATABASE_URL ?? embedded!.url }), {
      logger: env.LOG_LEVEL === 'silent' ? false : ['fatal', 'error', 'warn'],
    });
    const context: Context = { app, lifecycle: app.get(RunLifecycle), runs: app.get(RunCatalog), leaderboard: app.get(LeaderboardService) };
    try {
      const startedAt = Date.now();
      const { id, total } = await createRun(context, args);
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
    return await experiment(args);
  } catch (e) {
    // What the user can fix (a bad trace, an unknown strategy, a bad environment) is said plainly.
    if (e instanceof TraceValidationError) {
      const rows = e.errors.slice(0, 10).map((r) => `  row ${r.row}: ${r.code}: ${r.message}`);
      process.stderr.write(`${e.message}\n${rows.join('\n')}\n`);
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
