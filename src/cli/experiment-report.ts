import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { RunSummaryEntry } from '../runs/execution/run-summary.js';

// A stored summary went through JSON: NaN (no tasks) came back as null.
type StoredSummary = RunSummaryEntry;

// What the columns measure; the oracle's place surprises otherwise.
const FOOTNOTE = [
  'Times in simulated s, energy in J, cost in $. Ranked by mean completion time (finish − arrival); wins are on completion time,',
  "among the non-oracle strategies. The oracle minimises each task's exec time (the task alone on an idle machine), not its",
  "completion time: it ignores queues, so it can rank below others. Regret = exec time − the oracle's exec time on the same task.",
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
    head: ['#', 'strategy', 'mean completion (s)', 'p95 completion (s)', 'mean exec (s)', 'total energy (J)', 'total cost ($)', 'wins', 'mean regret (s)'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
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
