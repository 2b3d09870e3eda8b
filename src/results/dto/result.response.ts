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
  @ApiProperty() runId: number;
  @ApiProperty() taskId: number;
  @ApiProperty({ example: 'eft' }) schedulerName: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) gpuFraction: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) cpuFraction: number;
  @ApiProperty({ nullable: true, type: Number, description: 'null when the task ran on the CPU alone' }) gpuId: number | null;
  @ApiProperty({ description: 'Time on an idle machine, s' }) execTime: number;
  @ApiProperty({ description: 'completionTime − execTime, s' }) waitTime: number;
  @ApiProperty({ description: 'finish − arrival, s' }) completionTime: number;
  @ApiProperty() startTime: number;
  @ApiProperty() finishTime: number;
  @ApiProperty({ description: 'J' }) energyConsumption: number;
  @ApiProperty({ description: '$' }) executionCost: number;

  static from(r: ResultRow): ResultResponse {
    const out = {} as ResultResponse;
    for (const f of RESULT_FIELDS) (out as unknown as Record<string, unknown>)[f] = r[f];
    return out;
  }
}
