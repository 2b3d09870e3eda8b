import { ApiProperty } from '@nestjs/swagger';

// snake_case is the legacy dashboard's contract (DESIGN.md "Dashboard compatibility").

export class LegacyStrategyMetrics {
  @ApiProperty({ description: 'Mean completion time so far (s)', nullable: true, type: Number }) avg_time: number | null;
  @ApiProperty({ description: 'Joules' }) total_energy: number;
  @ApiProperty({ description: 'Dollars' }) total_cost: number;
  @ApiProperty({ description: 'Tasks on which it had the smallest completion time (oracle excluded)' }) wins: number;
  @ApiProperty() tasks: number;
}

export class LegacyStatusResponse {
  @ApiProperty() is_running: boolean;
  @ApiProperty() is_paused: boolean;
  @ApiProperty() tasks_processed: number;
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
