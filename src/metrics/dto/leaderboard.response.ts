import { ApiProperty } from '@nestjs/swagger';

const PERCENTILE =
  'percentile_cont (linear interpolation between the closest ranks): with the n completion times sorted ascending v[0..n−1] ' +
  'and pos = p·(n−1), v[⌊pos⌋] + (pos − ⌊pos⌋)·(v[⌈pos⌉] − v[⌊pos⌋])';

/** One strategy's standing over every stored result of a run. Times in simulated seconds. */
export class LeaderboardEntry {
  @ApiProperty({ example: 'eft' }) scheduler: string;
  @ApiProperty({ description: 'Results stored for this strategy' }) tasks: number;
  @ApiProperty({ description: 'Arithmetic mean of completion_time' }) meanCompletionTime: number;
  @ApiProperty({ description: `Median completion time: ${PERCENTILE}, p = 0.5` }) p50CompletionTime: number;
  @ApiProperty({ description: `p = 0.95, ${PERCENTILE}` }) p95CompletionTime: number;
  @ApiProperty({ description: `p = 0.99, ${PERCENTILE}` }) p99CompletionTime: number;
  @ApiProperty() meanExecTime: number;
  @ApiProperty() meanWaitTime: number;
  @ApiProperty({ description: 'J' }) totalEnergy: number;
  @ApiProperty({ description: '$' }) totalCost: number;
  @ApiProperty({ description: 'Tasks on which this strategy had the smallest completion time among the non-oracle strategies (ties: each tied strategy wins); 0 for the oracle' })
  wins: number;
  @ApiProperty({ description: 'Tasks on which another non-oracle strategy finished sooner; 0 for the oracle' }) losses: number;
  @ApiProperty({ description: "Mean over the run's tasks of (this strategy's exec_time − the oracle's exec_time on the same task); ≥ 0" })
  meanRegret: number;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description:
      'Learners only (hybrid_ml, rl_agent; null for the others): whether it learned anything in this run. false means it never trained ' +
      'and its numbers are those of its fallback (hybrid_ml decides as greedy until its first model)',
  })
  trained: boolean | null;
  @ApiProperty({ nullable: true, type: Number, description: 'hybrid_ml only (null for the others): models trained in this run (rows of its model versions)' })
  modelVersions: number | null;
}

export class LeaderboardResponse {
  @ApiProperty() runId: number;
  @ApiProperty({ type: [LeaderboardEntry], description: 'Best mean completion time first' }) items: LeaderboardEntry[];
}

export class SchedulerStandingResponse {
  @ApiProperty() runId: number;
  @ApiProperty({ description: '1 = best mean completion time in the run' }) rank: number;
  @ApiProperty({ description: 'Strategies ranked' }) of: number;
  @ApiProperty({ type: LeaderboardEntry }) standing: LeaderboardEntry;
}
