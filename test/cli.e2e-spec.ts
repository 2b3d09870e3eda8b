import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './support/child-app.js';
import { createDatabase, dropDatabase, query } from './support/database.js';

const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'];
const CLI = path.join(ROOT, 'dist/cli/experiment.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as its own process (not a TTY: plain progress lines). */
function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The leaderboard's data rows: [rank, strategy, …numbers]. */
function tableRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => /^│\s*\d+\s*│/.test(line))
    .map((line) => line.split('│').slice(1, -1).map((cell) => cell.trim()));
}

describe('experiment CLI (dist/cli/experiment.js)', () => {
  let databaseUrl: string;
  let dir: string;

  beforeAll(async () => {
    databaseUrl = await createDatabase('cli');
    dir = await mkdtemp(path.join(tmpdir(), 'experiment-cli-'));
  });

  afterAll(async () => {
    await dropDatabase(databaseUrl);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a 2,000-task batch experiment and prints the leaderboard with all seven strategies', async () => {
    const res = await runCli(['--tasks', '2000', '--seed', '7'], { DATABASE_URL: databaseUrl });
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('progress: 2000/2000 tasks') });
    expect(res.stdout).toMatch(/run \d+ completed: 2000 tasks/);
    for (const header of ['mean completion', 'p95 completion', 'mean exec', 'total energy', 'total cost', 'wins', 'mean regret', 'makespan', 'utilisation', 'throughput', 'mean backlog'])
      expect(res.stdout).toContain(header);
    const rows = tableRows(res.stdout);
    expect(rows.map((r) => r[1]).sort()).toEqual([...STRATEGIES].sort());
    for (const row of rows) {
      expect(row).toHaveLength(13);
      for (const cell of row.slice(2)) expect(Number.isFinite(Number(cell))).toBe(true);
    }
    // Ranked by mean completion time.
    const means = rows.map((r) => Number(r[2]));
    expect(means).toEqual([...means].sort((a, b) => a - b));
    const runs = await query<{ kind: string; status: string; tasks_processed: number }>(databaseUrl, `SELECT kind, status, tasks_processed FROM simulation_state`);
    expect(runs).toEqual([{ kind: 'batch', status: 'completed', tasks_processed: 2000 }]);
  }, 180_000);

  it('replays a CSV trace with a subset of strategies', async () => {
    const file = path.join(dir, 'trace.csv');
    const lines = ['task_id,size,compute_intensity,memory_required,arrival_time,dependencies'];
    for (let i = 0; i < 60; i++) lines.push(`${i},${500 + 37 * i},${((i % 10) + 1) / 10},${100 + 13 * i},${i * 0.5},${i > 2 && i % 7 === 0 ? `"[${i - 1}, ${i - 3}]"` : ''}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const res = await runCli(['--trace', file, '--seed', '3', '--strategies', 'greedy,oracle,eft'], { DATABASE_URL: databaseUrl });
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('60 tasks') });
    expect(tableRows(res.stdout).map((r) => r[1]).sort()).toEqual(['eft', 'greedy', 'oracle']);
  }, 60_000);

  it('marks the learners that never trained in the run, with a footnote', async () => {
    const res = await runCli(['--tasks', '30', '--seed', '2'], { DATABASE_URL: databaseUrl });
    expect(res.code).toBe(0);

    const names = tableRows(res.stdout).map((r) => r[1]);
    expect(names).toEqual(expect.arrayContaining(['hybrid_ml †', 'rl_agent †', 'greedy', 'oracle']));
    expect(res.stdout).toMatch(/^† (hybrid_ml, rl_agent|rl_agent, hybrid_ml): never trained in this run/m);
  }, 60_000);

  it('runs an experiment over seeds and a grid: per cell mean ± 95% CI, paired differences, a warning for learners that never trained, results to a file', async () => {
    const out = path.join(dir, 'experiment.csv');
    const res = await runCli(['--tasks', '40', '--seeds', '3', '--grid', 'gpus=2,4', '--strategies', 'greedy,eft,hybrid_ml', '--out', out], { DATABASE_URL: databaseUrl });

    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/experiment \d+ completed: 6 of 6 runs completed/);
    expect(res.stdout).toContain('cell 0 (gpus=2): mean ± 95% CI over 3 seeds');
    expect(res.stdout).toContain('cell 1 (gpus=4): mean ± 95% CI over 3 seeds');
    expect(res.stdout).toMatch(/\d ± \d/);
    expect(res.stdout).toMatch(/Paired differences in mean completion time to it/);
    expect(res.stdout).toMatch(/warning: hybrid_ml never trained in 3 of this cell's runs/);
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\n')[0]).toBe('cell,gpus,strategy,kind,metric,n,mean,sd,ci_low,ci_high,half_width,significant,relative_mean_pct,best');
  }, 180_000);

  it('reports a missing --trace file before it touches the database', async () => {
    // Nothing listens on port 1: touching the database would fail otherwise.
    const res = await runCli(['--trace', path.join(dir, 'missing.csv')], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });

    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/ENOENT: no such file or directory.*missing\.csv/);
  }, 30_000);

  it.each([
    [[]],
    [['--tasks', '10', '--grid', 'speed=1,2']],
    [['--tasks', '10', '--grid', 'gpus=2,x']],
    [['--tasks', '10', '--seeds', '3', '--out', 'results.txt']],
    [['--trace', 'x.csv', '--seeds', '3']],
    [['--tasks', '10', '--trace', 'x.csv']],
    [['--tasks', 'ten']],
    [['--tasks', '10', '--strategies', 'greedy,magic']],
    [['--trace', 'x.csv', '--arrival-rate', '3']],
    [['--tasks', '10', '--bogus']],
  ])('exits 2 with the usage for bad arguments %j', async (args) => {
    const res = await runCli(args, { DATABASE_URL: databaseUrl });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage:');
    expect(res.stdout).toBe('');
  }, 60_000);
});
