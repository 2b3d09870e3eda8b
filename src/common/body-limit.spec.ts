import { DEFAULT_ENGINE_CONFIG, generateTask, RngStreams, TRACE_COLUMNS } from '../engine/index.js';
import { BODY_LIMIT_BYTES, CSV_TRACE_ROWS_WITHIN_LIMIT } from './body-limit.js';

/** The bytes of a generated trace as CSV, every column filled at full precision, as a user's export would be. */
function csvTraceBytes(rows: number, seed: number): number {
  const rng = RngStreams.fromSeed(seed, ['workload']).get('workload');
  let bytes = Buffer.byteLength(`${TRACE_COLUMNS.join(',')}\n`);
  let arrival = 0;
  for (let i = 0; i < rows; i++) {
    const t = generateTask(rng, DEFAULT_ENGINE_CONFIG.workload, i, arrival);
    arrival = t.arrivalTime;
    const dependencies = t.dependencies.length > 0 ? `"[${t.dependencies.join(', ')}]"` : '';
    bytes += Buffer.byteLength(`${t.id},${t.size},${t.computeIntensity},${t.memoryRequired},${t.arrivalTime},${t.durationEstimate},${dependencies}\n`);
  }
  return bytes;
}

describe('the body limit', () => {
  it.each([1, 2, 3])('admits the documented largest CSV trace (seed %i)', (seed) => {
    expect(csvTraceBytes(CSV_TRACE_ROWS_WITHIN_LIMIT, seed)).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
  });
});
