import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { ModelInfo, SimulationEngine, StepResult } from '../engine/index.js';

export interface TaskEvent {
  runId: number;
  step: StepResult;
  engine: SimulationEngine;
}

export interface RetrainEvent {
  runId: number;
  info: ModelInfo;
}

/** What the continuous run announces: each task, and each model swap. The live feed listens. */
@Injectable()
export class SimulationEvents {
  readonly tasks = new Subject<TaskEvent>();
  readonly retrains = new Subject<RetrainEvent>();
}
