import { ApiProperty } from '@nestjs/swagger';

/** One oracle-labelled training row of the continuous run. */
export class FullHistoryRow {
  @ApiProperty({ description: 'Index of the task in the continuous run' }) task_id: number;
  @ApiProperty({ description: 'Task size, unitless work amount; the CPU time estimate is (size/1000)^1.5 / (computeIntensity + 0.5) s' }) size: number;
  @ApiProperty({ description: 'Compute intensity, unitless 0-1: the GPU speeds its share up by 1 + 3·intensity' }) compute_intensity: number;
  @ApiProperty({ description: 'Memory the task needs, MB' }) memory_required: number;
  @ApiProperty({ description: "The oracle's GPU fraction f*, which minimises exec time, fraction 0-1" }) optimal_gpu_fraction: number;
  @ApiProperty({ description: 'The oracle\'s exec time (s)' }) optimal_time: number;
}
