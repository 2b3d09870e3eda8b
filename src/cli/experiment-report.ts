import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { SchedulingSummary } from '../engine/index.js';
import { meanOverDevices, type CellAggregate, type ExperimentMetric } from '../experiments/experiment-aggregates.js';
import type { MeanInterval } from '../experiments/statistics.js';
import type { RunSummaryEntry } from '../runs/execution/run-summary.js';

// A stored summary went through JSON: NaN (no tasks) came back as null. Runs stored before the scheduling metrics lack them.
type StoredSummary = RunSummaryEntry & { scheduling?: SchedulingSummary };

// What the columns measure; the oracle's place surprises otherwise.
const FOOTNOTE = [
  'Times in simulated s, energy in J, cost in $. Ranked by mean completion time (finish − arrival); wins are on completion time,',
  "among the non-oracle strategies. The oracle minimises each task's exec time (the task alone on an idle machine), not its",
  "completion time: it ignores queues, so it can rank below others. Regret = exec time − the oracle's exec time on the same task.",
  'Makespan = last finish − first arrival; utilisation = busy time / makespan, the mean over the CPU and the GPUs; throughput = tasks /',
  "makespan; backlog = a device's queued work seen by a task on arrival, the mean over the tasks and over the CPU and the GPUs.",
];

const PLAIN_EVERY_MS = 2000;

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Progress on stderr: a bar with rate and ETA on a terminal, a plain line every 2 s otherwise. */
export class ExperimentProgress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly startedAt = Date.now();
  private lastLineAt = 0;
  private lastDone = -1;
  private started = false;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = stream.isTTY
      ? new cliProgress.SingleBar(
          { stream, format: '{bar} {percentage}% | {value}/{total} tasks | {rate} tasks/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 20 },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  update(done: number): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    if (this.bar) {
      if (!this.started) this.bar.start(this.total, 0, { rate: '0' });
      this.started = true;
      this.bar.update(done, { rate: Math.round(rate).toString() });
      return;
    }
    if (done === this.lastDone || (Date.now() - this.lastLineAt < PLAIN_EVERY_MS && done < this.total)) return;
    this.lastLineAt = Date.now();
    this.lastDone = done;
    const eta = rate > 0 ? (this.total - done) / rate : Number.NaN;
    this.stream.write(`progress: ${done}/${this.total} tasks (${((100 * done) / this.total).toFixed(1)}%), ${Math.round(rate)} tasks/s, ETA ${seconds(eta)}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}

function num(value: number | null | undefined, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

const UNTRAINED_MARK = '†';

/**
 * The leaderboard of a finished run, best mean completion time first. Learners named in `untrained`
 * never trained in the run: they are marked, and a footnote says so under the table.
 */
export function leaderboardTable(summary: StoredSummary[], untrained: readonly string[] = []): string {
  const table = new Table({
    head: ['#', 'strategy', 'mean completion (s)', 'p95 completion (s)', 'mean exec (s)', 'total energy (J)', 'total cost ($)', 'wins', 'mean regret (s)', 'makespan (s)', 'utilisation', 'throughput (/s)', 'mean backlog (s)'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
    // One rule under the header, none between rows.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const sketched = summary.filter((s) => s.percentileMethod !== 'exact');
  const ranked = [...summary].sort((a, b) => (a.completionTime.mean ?? Infinity) - (b.completionTime.mean ?? Infinity));
  ranked.forEach((s, i) =>
    table.push([
      String(i + 1),
      untrained.includes(s.strategy) ? `${s.strategy} ${UNTRAINED_MARK}` : s.strategy,
      num(s.completionTime.mean, 3),
      `${s.percentileMethod === 'exact' ? '' : '≈'}${num(s.completionTime.p95, 3)}`,
      num(s.execTime.mean, 3),
      num(s.totalEnergy, 1),
      num(s.totalCost, 4),
      String(s.wins),
      num(s.regret.mean, 4),
      num(s.scheduling?.makespan, 1),
      num(s.scheduling?.utilisation.mean, 3),
      num(s.scheduling?.throughput, 3),
      num(s.scheduling ? meanOverDevices(s.scheduling.meanBacklog) : undefined, 2),
    ]),
  );
  const bound = Math.max(...sketched.map((s) => s.percentileRelativeError ?? Number.NaN));
  const percentiles = sketched.length
    ? `p95 marked ≈ is from the quantile sketch, within ${Number.isFinite(bound) ? `${+(bound * 100).toPrecision(3)}%` : 'its stated error'} of the true value; the others are exact (percentile_cont, as the leaderboard).`
    : 'p95 is exact: percentile_cont over the stored results, as the leaderboard.';
  const marked = ranked.filter((s) => untrained.includes(s.strategy)).map((s) => s.strategy);
  const never = marked.length
    ? [`${UNTRAINED_MARK} ${marked.join(', ')}: never trained in this run, so ${marked.length === 1 ? 'its figures are those' : 'their figures are those'} of the fallback (hybrid_ml decides as greedy until its first model; rl_agent at random until its first training step)`]
    : [];
  return [table.toString(), ...FOOTNOTE, percentiles, ...never].join('\n');
}

/** What the experiment tables need of an experiment (GET /api/experiments/:id). */
export interface ExperimentView {
  seeds: number[];
  cells: CellAggregate[];
  untrained: { cell: number; strategy: string; runs: number }[];
}

// mean ± half-width, or the mean alone without an interval (one seed).
function pm(m: MeanInterval, digits: number): string {
  return m.halfWidth === null ? num(m.mean, digits) : `${num(m.mean, digits)} ± ${num(m.halfWidth, digits)}`;
}

const EXPERIMENT_COLUMNS: [ExperimentMetric, string, number][] = [
  ['meanCompletionTime', 'mean completion (s)', 3],
  ['p95CompletionTime', 'p95 completion (s)', 3],
  ['meanExecTime', 'mean exec (s)', 3],
  ['makespan', 'makespan (s)', 1],
  ['utilisation', 'utilisation', 3],
  ['throughput', 'throughput (/s)', 3],
  ['meanBacklog', 'mean backlog (s)', 2],
  ['totalEnergy', 'energy (J)', 0],
  ['totalCost', 'cost ($)', 4],
];

function plainTable(head: string[]): Table.Table {
  return new Table({
    head,
    colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
}

/**
 * Per cell: a table of each strategy's mean ± 95% confidence half-width over the seeds (Student t),
 * best mean completion time first; then each other strategy's paired difference to the best over the
 * same seeds; and a warning for the learners that never trained in some of the cell's runs.
 */
export function experimentTables(experiment: ExperimentView): string {
  const out: string[] = [];
  for (const cell of experiment.cells) {
    const settings = Object.entries(cell.settings).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    out.push(`cell ${cell.cell}${settings ? ` (${settings})` : ''}: mean ± 95% CI over ${experiment.seeds.length} seeds`);
    const table = plainTable(['strategy', ...EXPERIMENT_COLUMNS.map(([, label]) => label)]);
    for (const s of cell.strategies) {
      table.push([s.strategy === cell.best ? `${s.strategy} *` : s.strategy, ...EXPERIMENT_COLUMNS.map(([metric, , digits]) => pm(s.metrics[metric], digits))]);
    }
    out.push(table.toString());
    if (cell.best !== null && cell.differences.length > 0) {
      out.push(`* best: ${cell.best}. Paired differences in mean completion time to it (other − best, the same seeds):`);
      const diffs = plainTable(['strategy', 'difference (s)', '95% CI (s)', 'relative', 'significant']);
      for (const d of cell.differences) {
        const ci = d.low === null || d.high === null ? '–' : `[${num(d.low, 3)}, ${num(d.high, 3)}]`;
        diffs.push([d.strategy, num(d.mean, 3), ci, d.relativeMean === null ? '–' : `${d.relativeMean >= 0 ? '+' : ''}${num(d.relativeMean, 1)} %`, d.significant ? 'yes' : 'no']);
      }
      out.push(diffs.toString());
    }
    for (const u of experiment.untrained.filter((line) => line.cell === cell.cell)) {
      out.push(`warning: ${u.strategy} never trained in ${u.runs} of this cell's runs: its figures there are those of its fallback`);
    }
    out.push('');
  }
  return out.join('\n');
}
