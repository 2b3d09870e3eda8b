import { ApiProperty } from '@nestjs/swagger';
import type { SchedulerResult } from '../scheduler-result.entity.js';

export class ResultResponse {
  @ApiProperty() id: number;
  @ApiProperty() runId: number;
  @ApiProperty() taskId: number;
  @ApiProperty() schedulerName: string;
  @ApiProperty() gpuFraction: number;
  @ApiProperty() cpuFraction: number;
  @ApiProperty({ nullable: true, type: Number }) gpuId: number | null;
  @ApiProperty() execTime: number;
  @ApiProperty() waitTime: number;
  @ApiProperty() completionTime: number;
  @ApiProperty() startTime: number;
  @ApiProperty() finishTime: number;
  @ApiProperty() energyConsumption: number;
  @ApiProperty() executionCost: number;

  static from(r: SchedulerResult): ResultResponse {
    return {
      id: r.id,
      runId: r.runId,
      taskId: r.taskId,
      schedulerName: r.schedulerName,
      gpuFraction: r.gpuFraction,
      cpuFraction: r.cpuFraction,
      gpuId: r.gpuId,
      execTime: r.execTime,
      waitTime: r.waitTime,
      completionTime: r.completionTime,
      startTime: r.startTime,
      finishTime: r.finishTime,
      energyConsumption: r.energyConsumption,
      executionCost: r.executionCost,
    };
  }
}
