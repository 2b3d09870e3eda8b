import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_KINDS, RUN_STATUSES, type RunKind, type RunStatus, type SimulationRun } from '../simulation-run.entity.js';

export class RunResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RUN_KINDS }) kind: RunKind;
  @ApiProperty({ enum: RUN_STATUSES }) status: RunStatus;
  @ApiProperty() seed: number;
  @ApiProperty() tasksProcessed: number;
  @ApiProperty({ nullable: true, type: Number }) tasksTotal: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'tasksProcessed / tasksTotal, null for the open-ended continuous run' })
  progress: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'Per-strategy summary, once the run has completed' }) summary?: unknown;

  static from(run: SimulationRun): RunResponse {
    return {
      id: run.id,
      name: run.name,
      kind: run.kind,
      status: run.status,
      seed: run.seed,
      tasksProcessed: run.tasksProcessed,
      tasksTotal: run.tasksTotal,
      progress: run.tasksTotal ? run.tasksProcessed / run.tasksTotal : null,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      ...(run.error ? { error: run.error } : {}),
      ...(run.summary ? { summary: run.summary } : {}),
    };
  }
}
