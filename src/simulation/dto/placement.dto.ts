import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';

export class ObjectiveWeights {
  @ApiPropertyOptional({ default: 1, minimum: 0 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1000)
  time?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1000)
  energy?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1000)
  cost?: number;
}

/** One task's features: where should it run now? */
export class PlacementRequest {
  @ApiProperty({ minimum: 1, maximum: 1e9 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(1) @Max(1e9)
  size: number;

  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  computeIntensity: number;

  @ApiProperty({ minimum: 0, description: 'MB' }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1e9)
  memoryRequired: number;

  @ApiPropertyOptional({ description: 'CPU seconds; computed from size and intensity when omitted' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e9)
  durationEstimate?: number;

  @ApiPropertyOptional({ type: ObjectiveWeights, description: 'How to weigh completion time, energy and cost for the recommendation (default time only)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ObjectiveWeights)
  weights?: ObjectiveWeights;
}

export class PlacementOption {
  @ApiProperty() strategy: string;
  @ApiProperty() gpuFraction: number;
  @ApiProperty({ nullable: true, type: Number }) gpuId: number | null;
  @ApiProperty() startTime: number;
  @ApiProperty() finishTime: number;
  @ApiProperty() execTime: number;
  @ApiProperty() waitTime: number;
  @ApiProperty() completionTime: number;
  @ApiProperty() energy: number;
  @ApiProperty() cost: number;
  @ApiProperty({ description: 'Weighted score relative to the best option on each objective (lower is better; 1 per weight unit = best)' }) score: number;
}

export class PlacementResponse {
  @ApiProperty() runId: number;
  @ApiProperty({ description: 'Simulated time the placement is evaluated at' }) now: number;
  @ApiProperty() durationEstimate: number;
  @ApiProperty({ description: "The oracle's exec-time-optimal GPU fraction and time for this task alone" })
  oracle: { gpuFraction: number; optimalTime: number };
  @ApiProperty({ type: [PlacementOption] }) placements: PlacementOption[];
  @ApiProperty({ type: PlacementOption, description: 'The option with the lowest score' }) recommendation: PlacementOption;
}
