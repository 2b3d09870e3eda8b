import { ApiProperty } from '@nestjs/swagger';
import type { PercentileMethod } from '../../runs/execution/run-summary.js';
import { sketchedStandings } from '../leaderboard-entries.js';
import type { MetricWindow } from '../metric-window.entity.js';
import { SchedulingResponse } from './leaderboard.response.js';

const NO_STATS = 'null for windows written before windows stored their statistics';
const PERCENTILE =
  "p = 0.5, 0.95, 0.99 as the leaderboard's sketch method: percentile_cont's rule (linear interpolation between the closest ranks) " +
  `on the window's quantile sketch, within percentileRelativeError of the exact value; ${NO_STATS}`;

export class WindowResponse {
  @ApiProperty({ description: 'Window id (GET /api/metrics/windows/:id)' }) id: number;
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ example: 'eft' }) schedulerName: string;
  @ApiProperty({ description: 'taskId (index) of the first task in the window, inclusive' }) windowStart: number;
  @ApiProperty({ description: 'taskId (index) of the last task in the window, inclusive' }) windowEnd: number;
  @ApiProperty({ description: 'Tasks in the window, tasks' }) totalTasks: number;
  @ApiProperty({ description: 'Sum of completion times, s' }) totalTime: number;
  @ApiProperty({ description: 'Mean completion time, s' }) avgTime: number;
  @ApiProperty({ description: 'Smallest completion time, s' }) minTime: number;
  @ApiProperty({ description: 'Largest completion time, s' }) maxTime: number;
  @ApiProperty({ description: 'Energy of its tasks, J' }) totalEnergy: number;
  @ApiProperty({ description: 'Cost of its tasks, $' }) totalCost: number;
  @ApiProperty({ description: 'Tasks it won on completion time among the non-oracle strategies (ties: each wins), tasks' }) wins: number;
  @ApiProperty({ description: 'Tasks on which another non-oracle strategy finished sooner, tasks' }) losses: number;
  @ApiProperty({ nullable: true, enum: ['sketch'], description: `How the percentiles were found: 'sketch', as the leaderboard's default; ${NO_STATS}` })
  percentileMethod: PercentileMethod | null;
  @ApiProperty({ nullable: true, type: Number, description: `The percentiles' bound on relative error vs the exact ones, fraction 0-1; ${NO_STATS}` })
  percentileRelativeError: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `Median completion time, s; ${PERCENTILE}` }) p50CompletionTime: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `95th percentile of completion time, s; ${PERCENTILE}` }) p95CompletionTime: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `99th percentile of completion time, s; ${PERCENTILE}` }) p99CompletionTime: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `Mean exec_time (the task alone on an idle machine), s; ${NO_STATS}` }) meanExecTime: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `Mean wait_time = completion_time − exec_time, s; ${NO_STATS}` }) meanWaitTime: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `Mean of (its exec_time − the oracle's) over the window's tasks, s; ${NO_STATS}` })
  meanRegret: number | null;
  @ApiProperty({
    nullable: true,
    type: SchedulingResponse,
    description:
      "Over the window's tasks, as the leaderboard's over the run's: makespan = the window's last finish − its first arrival, throughput, " +
      `busy time and utilisation per device (busy / makespan, ≤ 1), mean and max backlog per device seen on arrival; ${NO_STATS}`,
  })
  scheduling: SchedulingResponse | null;

  static from(w: MetricWindow): WindowResponse {
    const { id, runId, schedulerName, windowStart, windowEnd, totalTasks, totalTime, avgTime, minTime, maxTime, totalEnergy, totalCost, wins, losses } = w;
    const base = { id, runId, schedulerName, windowStart, windowEnd, totalTasks, totalTime, avgTime, minTime, maxTime, totalEnergy, totalCost, wins, losses };
    // The leaderboard's own derivation from the same accumulators, so the two never differ in definition.
    const { standings, relativeError } = w.stats ? sketchedStandings([{ scheduler: schedulerName, state: w.stats }]) : { standings: [], relativeError: null };
    const s = standings[0];
    if (!s) {
      return {
        ...base,
        percentileMethod: null,
        percentileRelativeError: null,
        p50CompletionTime: null,
        p95CompletionTime: null,
        p99CompletionTime: null,
        meanExecTime: null,
        meanWaitTime: null,
        meanRegret: null,
        scheduling: null,
      };
    }
    return {
      ...base,
      percentileMethod: 'sketch',
      percentileRelativeError: relativeError,
      p50CompletionTime: s.p50CompletionTime,
      p95CompletionTime: s.p95CompletionTime,
      p99CompletionTime: s.p99CompletionTime,
      meanExecTime: s.meanExecTime,
      meanWaitTime: s.meanWaitTime,
      meanRegret: s.meanRegret,
      scheduling: s.scheduling,
    };
  }
}
