import type { DistributionSummary, SimulationEngine, StrategySummary } from '../../engine/index.js';
import type { IngestRepository, StoredDistribution } from '../../ingest/ingest.repository.js';

/**
 * How a summary's min, p50, p95, p99 and max were found: 'exact' is PostgreSQL's percentile_cont
 * over the stored results, the leaderboard's method; 'sketch' is the engine's quantile sketch,
 * within `percentileRelativeError` of the true value (by the lower-rank rule, not interpolated).
 */
export type PercentileMethod = 'exact' | 'sketch';

/** A strategy's line of a finished run's summary, as stored with the run. */
export type RunSummaryEntry = StrategySummary & { readonly percentileMethod: PercentileMethod; readonly percentileRelativeError?: number };

function exact(d: DistributionSummary, [min, p50, p95, p99, max]: StoredDistribution['completionTime']): DistributionSummary {
  return { mean: d.mean, min, max, p50, p95, p99 };
}

/**
 * The engine's summary with the sketched percentiles replaced by exact ones from the stored
 * results, for every strategy whose stored results are exactly the tasks the engine counted
 * (after a history delete they are not: that line keeps the sketch, named as such).
 */
export function withExactPercentiles(summary: StrategySummary[], stored: StoredDistribution[], sketchRelativeError: number): RunSummaryEntry[] {
  const byStrategy = new Map(stored.map((d) => [d.scheduler, d]));
  return summary.map((s) => {
    const d = byStrategy.get(s.strategy);
    if (!d || d.tasks !== s.tasks) return { ...s, percentileMethod: 'sketch', percentileRelativeError: sketchRelativeError };
    return { ...s, completionTime: exact(s.completionTime, d.completionTime), execTime: exact(s.execTime, d.execTime), percentileMethod: 'exact' };
  });
}

/** The summary a run is stored with when it ends; call it once every result is written. */
export async function finishedSummary(store: Pick<IngestRepository, 'storedDistributions'>, runId: number, engine: SimulationEngine): Promise<RunSummaryEntry[]> {
  return finalSummary(store, runId, { summary: engine.report(), relativeAccuracy: engine.config.stats.relativeAccuracy });
}

/** finishedSummary from the engine's summary and sketch accuracy (an engine in a worker thread sends these). */
export async function finalSummary(
  store: Pick<IngestRepository, 'storedDistributions'>,
  runId: number,
  engine: { summary: StrategySummary[]; relativeAccuracy: number },
): Promise<RunSummaryEntry[]> {
  return withExactPercentiles(engine.summary, await store.storedDistributions(runId), engine.relativeAccuracy);
}

/** The summary with the engine's sketched percentiles, named as such: what a run has before the exact ones. */
export function sketchedSummary(engine: SimulationEngine): RunSummaryEntry[] {
  return withExactPercentiles(engine.report(), [], engine.config.stats.relativeAccuracy);
}
