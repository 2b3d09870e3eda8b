import type { RunSummaryEntry } from '../runs/execution/run-summary.js';
import { leaderboardTable } from './experiment-report.js';

const distribution = (mean: number) => ({ mean, min: mean / 2, max: mean * 2, p50: mean, p95: mean * 1.5, p99: mean * 1.8 });

function entry(overrides: Partial<RunSummaryEntry> = {}): RunSummaryEntry {
  return {
    strategy: 'greedy',
    tasks: 10,
    completionTime: distribution(2),
    execTime: distribution(1),
    meanWaitTime: 1,
    totalEnergy: 1000,
    meanEnergy: 100,
    totalCost: 0.01,
    meanCost: 0.001,
    wins: 4,
    regret: { total: 1, mean: 0.1, max: 0.5 },
    percentileMethod: 'exact',
    ...overrides,
  };
}

describe(leaderboardTable.name, () => {
  it("explains under the table that the oracle minimises exec time and that regret is on exec time while wins are on completion time", () => {
    const sut = leaderboardTable([entry(), entry({ strategy: 'oracle', completionTime: distribution(3), wins: 0 })]);

    const footnote = sut.split('\n').filter((line) => !/[│─┌└┐┘]/.test(line)).join(' ');
    expect(footnote).toMatch(/oracle minimises each task's exec time.*not its completion time/);
    expect(footnote).toMatch(/regret.*exec time/i);
    expect(footnote).toMatch(/wins.*completion time/);
    expect(footnote).toMatch(/p95.*exact.*percentile_cont/);
  });

  it('names sketched percentiles as approximate, with their bound', () => {
    const sut = leaderboardTable([entry({ percentileMethod: 'sketch', percentileRelativeError: 0.005 })]);

    expect(sut).toMatch(/p95.*quantile sketch.*0\.5%/);
    expect(sut).toMatch(/≈/);
  });

  it('shows the scheduling metrics: makespan, utilisation, throughput and the mean backlog over the devices', () => {
    const scheduling = {
      makespan: 40,
      throughput: 0.25,
      busy: { cpu: 4, gpus: [8, 12] },
      utilisation: { cpu: 0.1, gpus: [0.2, 0.3], mean: 0.2 },
      meanBacklog: { cpu: 0.5, gpus: [1, 3] },
      maxBacklog: { cpu: 2, gpus: [4, 6] },
    };
    const sut = leaderboardTable([{ ...entry(), scheduling }]);

    for (const header of ['makespan (s)', 'utilisation', 'throughput (/s)', 'mean backlog (s)']) expect(sut).toContain(header);
    const row = sut.split('\n').find((line) => line.includes('greedy')) ?? '';
    expect(row.split('│').map((cell) => cell.trim())).toEqual(expect.arrayContaining(['40.0', '0.200', '0.250', '1.50']));
  });
});
