import { ApiProperty } from '@nestjs/swagger';
import type { MetricWindow } from '../metric-window.entity.js';

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

  static from(w: MetricWindow): WindowResponse {
    const { id, runId, schedulerName, windowStart, windowEnd, totalTasks, totalTime, avgTime, minTime, maxTime, totalEnergy, totalCost, wins, losses } = w;
    return { id, runId, schedulerName, windowStart, windowEnd, totalTasks, totalTime, avgTime, minTime, maxTime, totalEnergy, totalCost, wins, losses };
  }
}
