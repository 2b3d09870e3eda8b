import { ORACLE_STRATEGY_NAME, type ModelInfo, type PerDevice, type SimulationEngine, type StepResult } from '../engine/index.js';

// The dashboard's wire format is snake_case on purpose (DESIGN.md "Dashboard compatibility").

export interface LiveResult {
  time: number;
  energy: number;
  cost: number;
  gpu_fraction: number;
  gpu_id: number | null;
  actual_time: number;
}

export interface LiveUtilization {
  average_utilization: number;
  [gpu: `gpu_${number}`]: { utilization: number };
}

export interface SimulationUpdateMessage {
  type: 'simulation_update';
  task: { id: number; size: number; intensity: number; memory: number };
  /**
   * Per strategy: mean completion time so far, and per device (the CPU, each GPU) its utilisation
   * (busy / makespan, 0-1) and the mean and largest backlog a task found on arrival (s).
   */
  comparison: { name: string; avg_time: number; utilisation: PerDevice; mean_backlog: PerDevice; max_backlog: PerDevice }[];
  latest_results: Record<string, LiveResult>;
  utilization: LiveUtilization;
  data: { task_id: number; gpu_id: number | null; gpu_fraction: number; scheduled_time: number };
}

export interface NotificationMessage {
  type: 'notification';
  message: string;
}

export const FEATURED_STRATEGY = 'hybrid_ml';

/**
 * The strategy whose machine the top-level `utilization` and `data` describe: hybrid_ml, the
 * product's own placement; on a run configured without it, the non-oracle strategy with the
 * lowest mean completion time so far.
 */
export function featuredStrategy(engine: SimulationEngine): string {
  if (engine.strategyNames.includes(FEATURED_STRATEGY)) return FEATURED_STRATEGY;
  const contenders = engine.summary().filter((s) => s.strategy !== ORACLE_STRATEGY_NAME);
  const best = contenders.reduce((a, b) => (b.completionTime.mean < a.completionTime.mean ? b : a), contenders[0]);
  return (best ?? engine.summary()[0]).strategy;
}

/** The dashboard's per-task message, built from a step and the engine right after it. */
export function simulationUpdate(step: StepResult, engine: SimulationEngine): SimulationUpdateMessage {
  const { task, outcomes } = step;
  const featured = featuredStrategy(engine);
  const latest: Record<string, LiveResult> = {};
  for (const [name, o] of Object.entries(outcomes)) {
    latest[name] = { time: o.completionTime, energy: o.energy, cost: o.cost, gpu_fraction: o.gpuFraction, gpu_id: o.gpuId, actual_time: o.execTime };
  }
  const u = engine.utilization(featured);
  // average_utilization is the machine's mean over the CPU and every GPU (Machine.utilization).
  const utilization: LiveUtilization = { average_utilization: u.average };
  u.gpus.forEach((value, g) => (utilization[`gpu_${g}`] = { utilization: value }));
  const decision = outcomes[featured];
  return {
    type: 'simulation_update',
    task: { id: task.id, size: task.size, intensity: task.computeIntensity, memory: task.memoryRequired },
    comparison: engine.report().map((s) => ({
      name: s.strategy,
      avg_time: s.completionTime.mean,
      utilisation: { cpu: s.scheduling.utilisation.cpu, gpus: s.scheduling.utilisation.gpus },
      mean_backlog: s.scheduling.meanBacklog,
      max_backlog: s.scheduling.maxBacklog,
    })),
    latest_results: latest,
    utilization,
    data: { task_id: task.id, gpu_id: decision.gpuId, gpu_fraction: decision.gpuFraction, scheduled_time: decision.startTime },
  };
}

/** The dashboard's message after a model swap. */
export function retrainNotification(info: ModelInfo): NotificationMessage {
  const r2 = info.r2 === null ? 'n/a' : info.r2.toFixed(3);
  const mae = info.mae === null ? 'n/a' : info.mae.toFixed(4);
  const samples = info.samples === null ? '' : ` on ${info.samples} samples`;
  return { type: 'notification', message: `hybrid_ml model v${info.version} retrained${samples}: R²=${r2}, MAE=${mae}` };
}
