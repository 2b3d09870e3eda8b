import { Injectable } from '@nestjs/common';
import { ContinuousRunService } from './continuous-run.service.js';
import type { PlacementOption, PlacementRequest, PlacementResponse } from './dto/placement.dto.js';

/** Scheduling advice: every strategy's placement of one task on the continuous run's machines now. */
@Injectable()
export class PlacementService {
  constructor(private readonly continuous: ContinuousRunService) {}

  advise(request: PlacementRequest): PlacementResponse {
    const result = this.continuous.placement(request);
    const weights = { time: request.weights?.time ?? 1, energy: request.weights?.energy ?? 0, cost: request.weights?.cost ?? 0 };
    const entries = Object.entries(result.placements);
    const best = {
      time: Math.min(...entries.map(([, o]) => o.completionTime)),
      energy: Math.min(...entries.map(([, o]) => o.energy)),
      cost: Math.min(...entries.map(([, o]) => o.cost)),
    };
    // Each objective relative to the best option on it, so weights compare like with like.
    const ratio = (value: number, min: number) => (min > 0 ? value / min : value === 0 ? 1 : Infinity);
    const placements: PlacementOption[] = entries.map(([strategy, o]) => ({
      strategy,
      gpuFraction: o.gpuFraction,
      gpuId: o.gpuId,
      startTime: o.startTime,
      finishTime: o.finishTime,
      execTime: o.execTime,
      waitTime: o.waitTime,
      completionTime: o.completionTime,
      energy: o.energy,
      cost: o.cost,
      score: weights.time * ratio(o.completionTime, best.time) + weights.energy * ratio(o.energy, best.energy) + weights.cost * ratio(o.cost, best.cost),
    }));
    const recommendation = placements.reduce((a, b) => (b.score < a.score ? b : a));
    return {
      runId: this.continuous.runId as number,
      now: result.task.arrivalTime,
      durationEstimate: result.task.durationEstimate,
      oracle: { gpuFraction: result.oracle.gpuFraction, optimalTime: result.oracle.optimalTime },
      placements,
      recommendation,
    };
  }
}
