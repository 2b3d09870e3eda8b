import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ResultResponse } from '../../results/dto/result.response.js';
import type { Task } from '../task.entity.js';

export class TaskResponse {
  @ApiProperty() id: number;
  @ApiProperty() runId: number;
  @ApiProperty() taskId: number;
  @ApiProperty() size: number;
  @ApiProperty() computeIntensity: number;
  @ApiProperty() memoryRequired: number;
  @ApiProperty() durationEstimate: number;
  @ApiProperty() arrivalTime: number;
  @ApiProperty({ type: [Number] }) dependencies: number[];
  @ApiPropertyOptional({ type: [ResultResponse] }) results?: ResultResponse[];

  static from(t: Task): TaskResponse {
    return {
      id: t.id,
      runId: t.runId,
      taskId: t.taskId,
      size: t.size,
      computeIntensity: t.computeIntensity,
      memoryRequired: t.memoryRequired,
      durationEstimate: t.durationEstimate,
      arrivalTime: t.arrivalTime,
      dependencies: t.dependencies,
    };
  }
}
