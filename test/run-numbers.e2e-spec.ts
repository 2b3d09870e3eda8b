import { spawn } from 'node:child_process';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { ROOT } from './support/child-app.js';
import { ContinuousRunService } from '../src/runs/continuous-run.service.js';
import { until } from './support/progress.js';
import { postJson } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

const CLI = path.join(ROOT, 'dist/cli/experiment.js');
const TASKS = 600;

interface Distribution {
  mean: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

interface SummaryEntry {
  strategy: string;
  completionTime: Distribution;
  execTime: Distribution;
  percentileMethod: string;
}

interface LeaderboardItem {
  scheduler: string;
  p50CompletionTime: number;
  p95CompletionTime: number;
  p99CompletionTime: number;
}

/** Runs the built CLI as its own process; resolves with its exit code and stdout. */
function runCli(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

// One completed run, made by the CLI, read back through every surface that shows its numbers.
describe('the numbers of one completed run', () => {
  let runId: number;
  let cliStdout: string;
  // The CLI makes the run before the app starts.
  const sut = useTestApp(
    'run_numbers',
    {},
    {
      timeout: 240_000,
      beforeStart: async (databaseUrl) => {
        const cli = await runCli(['--tasks', String(TASKS), '--seed', '11'], databaseUrl);
        if (cli.code !== 0) throw new Error(`experiment CLI exited ${cli.code}: ${cli.stderr}`);
        cliStdout = cli.stdout;
        runId = Number(/run (\d+) completed/.exec(cliStdout)?.[1]);
      },
    },
  );

  it('gives the same completion-time percentiles in the leaderboard, the run summary and the CLI', async () => {
    const board = (await (await fetch(`${sut.url}/api/metrics/leaderboard?runId=${runId}&exact=true`)).json()) as { items: LeaderboardItem[] };
    const run = (await (await fetch(`${sut.url}/api/simulation/runs/${runId}`)).json()) as { status: string; summary: SummaryEntry[] };
    expect(run.status).toBe('completed');
    const summary = new Map(run.summary.map((s) => [s.strategy, s]));
    // The CLI's table: #, strategy, mean completion, p95 completion, … (three decimals).
    const cliP95 = new Map(
      cliStdout
        .split('\n')
        .filter((line) => /^│\s*\d+\s*│/.test(line))
        .map((line) => line.split('│').slice(1, -1).map((cell) => cell.trim()))
        .map((cells) => [cells[1], cells[3]]),
    );
    expect(board.items).toHaveLength(7);
    for (const entry of board.items) {
      const s = summary.get(entry.scheduler) as SummaryEntry;
      expect(s.percentileMethod).toBe('exact');
      near(s.completionTime.p50, entry.p50CompletionTime);
      near(s.completionTime.p95, entry.p95CompletionTime);
      near(s.completionTime.p99, entry.p99CompletionTime);
      expect(cliP95.get(entry.scheduler)).toBe(entry.p95CompletionTime.toFixed(3));
    }
  }, 60_000);

  it('exports no negative wait, and completion = wait + exec on every CSV row', async () => {
    const res = await fetch(`${sut.url}/api/results?runId=${runId}&format=csv`);
    expect(res.status).toBe(200);
    const rows = parse(await res.text(), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows).toHaveLength(7 * TASKS);
    for (const row of rows) {
      const [wait, exec, completion] = [Number(row.waitTime), Number(row.execTime), Number(row.completionTime)];
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(completion).toBeGreaterThanOrEqual(exec);
      near(completion, wait + exec);
    }
  }, 60_000);
});

// percentile_cont over every result of a long continuous run takes seconds: stop must not wait for it.
describe('the summary of a stopped continuous run', () => {
  const sut = useTestApp('stop_summary', { SIM_AUTOSTART: 'true', SIM_TICK_MS: '0', SIM_FLUSH_MS: '50' });

  it('is stored at once with the sketched percentiles, named so, then replaced by the exact ones', async () => {
    const status = async () => (await (await fetch(`${sut.url}/api/simulation/status`)).json()) as { runId: number; tasksProcessed: number };
    await until(async () => (await status()).tasksProcessed >= 300, 30_000, '300 tasks');
    expect((await postJson(`${sut.url}/api/simulation/pause`, {})).status).toBe(200);
    const { runId } = await status();
    const continuous = sut.app.get(ContinuousRunService);

    // Hold the results table: the exact percentiles cannot be read until it is released.
    const holder = new pg.Client({ connectionString: sut.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE scheduler_results IN ACCESS EXCLUSIVE MODE');
      expect((await postJson(`${sut.url}/api/simulation/stop`, {})).status).toBe(200);
      const atStop = (await (await fetch(`${sut.url}/api/simulation/runs/${runId}`)).json()) as { status: string; summary: SummaryEntry[] };
      expect(atStop.status).toBe('stopped');
      expect(atStop.summary.map((s) => s.percentileMethod)).toEqual(Array(7).fill('sketch'));
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }

    await continuous.summarised;
    const after = (await (await fetch(`${sut.url}/api/simulation/runs/${runId}`)).json()) as { summary: SummaryEntry[] };
    const board = (await (await fetch(`${sut.url}/api/metrics/leaderboard?runId=${runId}&exact=true`)).json()) as { items: LeaderboardItem[] };
    const exact = new Map(after.summary.map((s) => [s.strategy, s]));
    expect(board.items).toHaveLength(7);
    for (const entry of board.items) {
      const s = exact.get(entry.scheduler) as SummaryEntry;
      expect(s.percentileMethod).toBe('exact');
      near(s.completionTime.p95, entry.p95CompletionTime);
    }
  });
});
