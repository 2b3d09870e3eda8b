import { ApiProperty } from '@nestjs/swagger';
import type { MetricWindow } from '../metric-window.entity.js';

export class WindowResponse {
  @ApiProperty() id: number;
  @ApiProperty() runId: number;
  @ApiProperty() schedulerName: string;
  @ApiProperty() windowStart: number;
  @ApiProperty() windowEnd: number;
  @ApiProperty() totalTasks: number;
  @ApiProperty() totalTime: number;
  @ApiProperty() avgTime: number;
  @ApiProperty() minTime: number;
  @ApiProperty() maxTime: number;
  @ApiProperty() totalEnergy: number;
  @ApiProperty() totalCost: number;
  @ApiProperty() wins: number;
  @ApiProperty() losses: number;

  static from(w: MetricWindow): WindowResponse {
    const { id, runId, schedulerName, windowStart, windowEnd, totalTasks, totalTime, avgTime, minTime, maxTime, totalEnergy, totalCost, wins, losses } = w;
    return { id, runId, schedulerName, windowStart, windowEnd, totalTasks, totalTime, avgTime, minTime, maxTime, totalEnergy, totalCost, wins, losses };
  }
}
