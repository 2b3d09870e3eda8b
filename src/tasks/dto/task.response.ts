import { ApiProperty } from '@nestjs/swagger';
import { ResultResponse } from '../../results/dto/result.response.js';
import type { Task } from '../task.entity.js';

export class TaskResponse {
  @ApiProperty({ description: 'Database id (GET /api/tasks/:id)' }) id: number;
  @ApiProperty() runId: number;
  @ApiProperty({ description: 'Index of the task in its run' }) taskId: number;
  @ApiProperty() size: number;
  @ApiProperty() computeIntensity: number;
  @ApiProperty({ description: 'MB' }) memoryRequired: number;
  @ApiProperty({ description: 'CPU seconds' }) durationEstimate: number;
  @ApiProperty() arrivalTime: number;
  @ApiProperty({ type: [Number], description: 'taskIds of the parents' }) dependencies: number[];

  static from(t: Task): TaskResponse {
    const { id, runId, taskId, size, computeIntensity, memoryRequired, durationEstimate, arrivalTime, dependencies } = t;
    return { id, runId, taskId, size, computeIntensity, memoryRequired, durationEstimate, arrivalTime, dependencies };
  }
}

export class TaskWithResultsResponse extends TaskResponse {
  @ApiProperty({ type: [ResultResponse], description: "Every strategy's result, by strategy name" }) results: ResultResponse[];
}
