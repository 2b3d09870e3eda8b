import { ApiProperty } from '@nestjs/swagger';

// snake_case is the legacy dashboard's contract (DESIGN.md "Dashboard compatibility").

export class LegacyStrategyMetrics {
  @ApiProperty({ description: 'Mean completion time so far (s)', nullable: true, type: Number }) avg_time: number | null;
  @ApiProperty({ description: 'Energy so far, J' }) total_energy: number;
  @ApiProperty({ description: 'Cost so far, $' }) total_cost: number;
  @ApiProperty({ description: 'Tasks on which it had the smallest completion time (oracle excluded), tasks' }) wins: number;
  @ApiProperty({ description: 'Tasks it has run, tasks' }) tasks: number;
}

export class LegacyStatusResponse {
  @ApiProperty() is_running: boolean;
  @ApiProperty() is_paused: boolean;
  @ApiProperty({ description: 'Tasks the continuous run has processed, tasks' }) tasks_processed: number;
  @ApiProperty({
    description: 'Per strategy of the continuous run; empty before its first task',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/LegacyStrategyMetrics' },
  })
  metrics: Record<string, LegacyStrategyMetrics>;
}

export class ClearHistoryResponse extends LegacyStatusResponse {
  @ApiProperty({ example: 'history cleared' }) message: string;
}
