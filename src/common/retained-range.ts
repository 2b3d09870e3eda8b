import { ApiProperty } from '@nestjs/swagger';

/**
 * Which of a run's raw rows a list can still show: the continuous run's older rows are pruned
 * (RETAIN_DAYS, docs/decisions/085-continuous-run-retention.md); batch and trace runs keep theirs
 * until deleted. Its metric windows and model metadata are never pruned.
 */
export class RetainedRange {
  @ApiProperty({ description: 'Run id' })
  runId: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The lowest task id of the run whose rows this list still holds (null: none stored); the continuous run's rows below it were pruned",
  })
  fromTaskId: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'How long the raw rows of this run are kept (RETAIN_DAYS), days; null: until the run is deleted (batch and trace runs, or RETAIN_DAYS=0)',
  })
  retainDays: number | null;
}
