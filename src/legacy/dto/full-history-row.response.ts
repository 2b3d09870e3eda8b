import { ApiProperty } from '@nestjs/swagger';

/** One oracle-labelled training row of the continuous run. */
export class FullHistoryRow {
  @ApiProperty() task_id: number;
  @ApiProperty() size: number;
  @ApiProperty() compute_intensity: number;
  @ApiProperty({ description: 'MB' }) memory_required: number;
  @ApiProperty({ description: 'The oracle\'s GPU fraction f*' }) optimal_gpu_fraction: number;
  @ApiProperty({ description: 'The oracle\'s exec time (s)' }) optimal_time: number;
}
