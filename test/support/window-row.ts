import type { WindowRow } from '../../src/ingest/run-batch.js';

/** A closed metrics window of 10 tasks, as a flush writes it (overrides on top). */
export const windowRow = (overrides: Partial<WindowRow> = {}): WindowRow => ({
  schedulerName: 'eft',
  windowStart: 0,
  windowEnd: 9,
  totalTasks: 10,
  totalTime: 12.5,
  avgTime: 1.25,
  minTime: 0.5,
  maxTime: 3,
  totalEnergy: 40,
  totalCost: 0.25,
  wins: 4,
  losses: 6,
  stats: null,
  ...overrides,
});
