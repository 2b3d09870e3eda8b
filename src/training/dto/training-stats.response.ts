import { ApiProperty } from '@nestjs/swagger';
import type { ModelVersion } from '../model-version.entity.js';

export class LabelBin {
  @ApiProperty() from: number;
  @ApiProperty({ description: 'Exclusive, except the last bin which includes 1' }) to: number;
  @ApiProperty() count: number;
}

export class TrainingStatsResponse {
  @ApiProperty() runId: number;
  @ApiProperty({ description: 'Training samples stored for the run' }) count: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean optimal GPU fraction (the label)' }) meanLabel: number | null;
  @ApiProperty({ nullable: true, type: Number }) minLabel: number | null;
  @ApiProperty({ nullable: true, type: Number }) maxLabel: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Sample standard deviation' }) stddevLabel: number | null;
  @ApiProperty({ description: 'Samples whose best placement is the CPU alone (label 0)' }) cpuOnly: number;
  @ApiProperty({ description: 'Samples whose best placement is the GPU alone (label 1)' }) gpuOnly: number;
  @ApiProperty({ type: [LabelBin], description: 'Label distribution in 10 bins of width 0.1' }) labelDistribution: LabelBin[];
}

export class ModelVersionResponse {
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Task index whose label completed the training window' }) trainedAtTask: number;
  @ApiProperty() samples: number;
  @ApiProperty({ nullable: true, type: Number, description: 'R² on the 20% hold-out' }) r2: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean absolute error on the hold-out' }) mae: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) featureImportances: Record<string, number>;
  @ApiProperty() durationMs: number;
  @ApiProperty() trainedAt: string;

  static from(m: ModelVersion): ModelVersionResponse {
    const { version, trainedAtTask, samples, r2, mae, featureImportances, durationMs } = m;
    return { version, trainedAtTask, samples, r2, mae, featureImportances, durationMs, trainedAt: m.trainedAt.toISOString() };
  }
}

export class ModelResponse {
  @ApiProperty() runId: number;
  @ApiProperty({ type: ModelVersionResponse, nullable: true, description: 'The newest version; null before the first training' })
  current: ModelVersionResponse | null;
  @ApiProperty({ type: [ModelVersionResponse], description: 'Every version, newest first (current included), at most `limit`' })
  history: ModelVersionResponse[];
}
