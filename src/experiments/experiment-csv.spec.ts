import { parse } from 'csv-parse/sync';
import type { LeaderboardEntry } from '../metrics/dto/leaderboard.response.js';
import { aggregateCells } from './experiment-aggregates.js';
import { experimentCsv } from './experiment-csv.js';

// A leaderboard line with the scheduling metrics of a 2-GPU machine; the rest as needed.
function entry(scheduler: string, k: number): LeaderboardEntry {
  return {
    scheduler,
    tasks: 100,
    meanCompletionTime: 2 * k,
    p50CompletionTime: 2 * k,
    p95CompletionTime: 3 * k,
    p99CompletionTime: 4 * k,
    meanExecTime: k,
    meanWaitTime: k,
    totalEnergy: 100 * k,
    totalCost: k,
    wins: 10,
    losses: 90,
    meanRegret: 0.1,
    trained: null,
    modelVersions: null,
    scheduling: {
      makespan: 50 * k,
      throughput: 2 / k,
      busy: { cpu: 10, gpus: [20, 30] },
      utilisation: { cpu: 0.2, gpus: [0.4, 0.6], mean: 0.4 },
      meanBacklog: { cpu: 1 * k, gpus: [2 * k, 3 * k] },
      maxBacklog: { cpu: 5 * k, gpus: [9 * k, 7 * k] },
    },
  };
}

describe(experimentCsv.name, () => {
  it('exports the scheduling metrics: makespan, utilisation, throughput and mean and max backlog over the devices', () => {
    const cells = aggregateCells([{ gpus: 2 }], [1, 2].map((seed) => ({ cell: 0, seed, entries: [entry('eft', seed), entry('greedy', seed + 1)] })));
    const records = parse(experimentCsv({ gpus: [2] }, cells), { columns: true }) as Record<string, string>[];
    const eft = (metric: string) => records.find((r) => r.strategy === 'eft' && r.kind === 'mean' && r.metric === metric);

    // Seeds 1 and 2: the means over seeds of each run's figure.
    expect(Number(eft('makespan')?.mean)).toBe(75);
    expect(Number(eft('utilisation')?.mean)).toBeCloseTo(0.4, 12);
    expect(Number(eft('throughput')?.mean)).toBe(1.5);
    // Per run, the mean over the CPU and 2 GPUs of (k, 2k, 3k) is 2k; the largest maximum is 9k.
    expect(Number(eft('meanBacklog')?.mean)).toBe(3);
    expect(Number(eft('maxBacklog')?.mean)).toBe(13.5);
    expect(eft('maxBacklog')?.n).toBe('2');
  });
});
