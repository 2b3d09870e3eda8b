import { ApiProperty } from '@nestjs/swagger';
import type { TrainingSample } from '../training-sample.entity.js';

export class TrainingSampleResponse {
  @ApiProperty() id: number;
  @ApiProperty() runId: number;
  @ApiProperty() taskId: number;
  @ApiProperty() size: number;
  @ApiProperty() computeIntensity: number;
  @ApiProperty() memoryRequired: number;
  @ApiProperty() memoryPerSize: number;
  @ApiProperty() computeToMemory: number;
  @ApiProperty() optimalGpuFraction: number;
  @ApiProperty() optimalTime: number;

  static from(s: TrainingSample): TrainingSampleResponse {
    const { id, runId, taskId, size, computeIntensity, memoryRequired, memoryPerSize, computeToMemory, optimalGpuFraction, optimalTime } = s;
    return { id, runId, taskId, size, computeIntensity, memoryRequired, memoryPerSize, computeToMemory, optimalGpuFraction, optimalTime };
  }
}
