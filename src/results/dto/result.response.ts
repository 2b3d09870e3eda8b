import { ApiProperty } from '@nestjs/swagger';
import type { ResultRow } from '../results.repository.js';

/** The fields of a result, in the order of the CSV export's columns. */
export const RESULT_FIELDS = [
  'runId',
  'taskId',
  'schedulerName',
  'gpuFraction',
  'cpuFraction',
  'gpuId',
  'execTime',
  'waitTime',
  'completionTime',
  'startTime',
  'finishTime',
  'energyConsumption',
  'executionCost',
] as const satisfies readonly (keyof ResultRow)[];

/** One strategy's placement of one task and its simulated outcome (times in simulated seconds). */
export class ResultResponse {
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ description: 'Index of the task in its run' }) taskId: number;
  @ApiProperty({ example: 'eft' }) schedulerName: string;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of the task run on the GPU, fraction 0-1' }) gpuFraction: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share run on the CPU at the same time, 1 − gpuFraction, fraction 0-1' }) cpuFraction: number;
  @ApiProperty({ nullable: true, type: Number, description: 'GPU index; null when the task ran on the CPU alone' }) gpuId: number | null;
  @ApiProperty({ description: 'max(CPU part, GPU part): the task alone on an idle machine, s' }) execTime: number;
  @ApiProperty({ description: 'completionTime − execTime: queueing and dependencies, s; ≥ 0' }) waitTime: number;
  @ApiProperty({ description: 'finish − arrival, s' }) completionTime: number;
  @ApiProperty({ description: 'Start of the earlier of its used parts, simulated s since the run began' }) startTime: number;
  @ApiProperty({ description: 'End of the later of its used parts, simulated s since the run began' }) finishTime: number;
  @ApiProperty({ description: 'Energy: 100 W × CPU part + 200 W × GPU part by default, J' }) energyConsumption: number;
  @ApiProperty({ description: 'Cost: 0.00002 $/s × CPU part + 0.0001 $/s × GPU part by default, $' }) executionCost: number;

  static from(r: ResultRow): ResultResponse {
    const out = {} as ResultResponse;
    for (const f of RESULT_FIELDS) (out as unknown as Record<string, unknown>)[f] = r[f];
    return out;
  }
}
