import { ApiProperty } from '@nestjs/swagger';
import type { TrainingSample } from '../training-sample.entity.js';

export class TrainingSampleResponse {
  @ApiProperty({ description: 'Sample id (GET /api/training/data/:id)' }) id: number;
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ description: 'Index of the task in its run' }) taskId: number;
  @ApiProperty({ description: 'Task size, unitless work amount; the CPU time estimate is (size/1000)^1.5 / (computeIntensity + 0.5) s' }) size: number;
  @ApiProperty({ description: 'Compute intensity, unitless 0-1: the GPU speeds its share up by 1 + 3·intensity' }) computeIntensity: number;
  @ApiProperty({ description: 'Memory the task needs, MB' }) memoryRequired: number;
  @ApiProperty({ description: 'memoryRequired / (size + 1), MB per unit of size (a model feature)' }) memoryPerSize: number;
  @ApiProperty({ description: 'computeIntensity / (memoryRequired + 1), per MB (a model feature)' }) computeToMemory: number;
  @ApiProperty({ description: "The label: the oracle's GPU fraction f*, which minimises exec time, fraction 0-1" }) optimalGpuFraction: number;
  @ApiProperty({ description: "The oracle's exec time at f*, s" }) optimalTime: number;

  static from(s: TrainingSample): TrainingSampleResponse {
    const { id, runId, taskId, size, computeIntensity, memoryRequired, memoryPerSize, computeToMemory, optimalGpuFraction, optimalTime } = s;
    return { id, runId, taskId, size, computeIntensity, memoryRequired, memoryPerSize, computeToMemory, optimalGpuFraction, optimalTime };
  }
}
