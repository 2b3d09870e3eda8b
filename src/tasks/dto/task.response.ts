import { ApiProperty } from '@nestjs/swagger';
import { ResultResponse } from '../../results/dto/result.response.js';
import type { Task } from '../task.entity.js';

export class TaskResponse {
  @ApiProperty({ description: 'Database id (GET /api/tasks/:id)' }) id: number;
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ description: 'Index of the task in its run (its task_id)' }) taskId: number;
  @ApiProperty({ description: 'Task size, unitless work amount; the CPU time estimate is (size/1000)^1.5 / (computeIntensity + 0.5) s' }) size: number;
  @ApiProperty({ description: 'Compute intensity, unitless 0-1: the GPU speeds its share up by 1 + 3·intensity' }) computeIntensity: number;
  @ApiProperty({ description: 'Memory the task needs, MB; it is copied to the GPU at 16,000 MB/s' }) memoryRequired: number;
  @ApiProperty({ description: 'Run time on the CPU alone, s' }) durationEstimate: number;
  @ApiProperty({ description: 'Arrival time, simulated s since the run began' }) arrivalTime: number;
  @ApiProperty({ type: [Number], description: 'Task index (taskId) of each parent, which must finish first' }) dependencies: number[];

  static from(t: Task): TaskResponse {
    const { id, runId, taskId, size, computeIntensity, memoryRequired, durationEstimate, arrivalTime, dependencies } = t;
    return { id, runId, taskId, size, computeIntensity, memoryRequired, durationEstimate, arrivalTime, dependencies };
  }
}

export class TaskWithResultsResponse extends TaskResponse {
  @ApiProperty({ type: [ResultResponse], description: "Every strategy's result, by strategy name" }) results: ResultResponse[];
}
