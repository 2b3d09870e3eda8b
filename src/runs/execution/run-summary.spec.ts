import type { StrategySummary } from '../../engine/index.js';
import type { StoredDistribution } from '../../ingest/ingest.repository.js';
import { withExactPercentiles } from './run-summary.js';

const sketched = { mean: 2, min: 0.5, max: 9, p50: 1.99, p95: 5.02, p99: 8.1 };

function summary(overrides: Partial<StrategySummary> = {}): StrategySummary {
  return {
    strategy: 'greedy',
    tasks: 100,
    completionTime: sketched,
    execTime: sketched,
    meanWaitTime: 0,
    totalEnergy: 1,
    meanEnergy: 0.01,
    totalCost: 1,
    meanCost: 0.01,
    wins: 3,
    regret: { total: 1, mean: 0.01, max: 0.1 },
    ...overrides,
  };
}

function stored(overrides: Partial<StoredDistribution> = {}): StoredDistribution {
  return { scheduler: 'greedy', tasks: 100, completionTime: [0.5, 2, 5, 8, 9], execTime: [0.25, 1, 2.5, 4, 4.5], ...overrides };
}

describe(withExactPercentiles.name, () => {
  it('takes min, p50, p95, p99 and max from the stored results and keeps the exact mean', () => {
    const [sut] = withExactPercentiles([summary()], [stored()], 0.005);

    expect(sut.percentileMethod).toBe('exact');
    expect(sut.completionTime).toEqual({ mean: 2, min: 0.5, p50: 2, p95: 5, p99: 8, max: 9 });
    expect(sut.execTime).toEqual({ mean: 2, min: 0.25, p50: 1, p95: 2.5, p99: 4, max: 4.5 });
    expect(sut).not.toHaveProperty('percentileRelativeError');
  });

  it('keeps the sketch, named with its bound, when the stored results are not the tasks the engine counted', () => {
    const [partial, missing] = withExactPercentiles([summary(), summary({ strategy: 'eft' })], [stored({ tasks: 60 })], 0.005);

    for (const line of [partial, missing]) {
      expect(line.percentileMethod).toBe('sketch');
      expect(line.percentileRelativeError).toBe(0.005);
      expect(line.completionTime).toEqual(sketched);
    }
  });
});
