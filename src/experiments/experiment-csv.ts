import { stringify } from 'csv-stringify/sync';
import type { CellAggregate } from './experiment-aggregates.js';
import { METRIC_NAMES } from './experiment-aggregates.js';

const COLUMNS = ['cell', 'strategy', 'kind', 'metric', 'n', 'mean', 'sd', 'ci_low', 'ci_high', 'half_width', 'significant', 'relative_mean_pct', 'best'];

/**
 * An experiment's aggregates as CSV: per cell (its settings as columns) and strategy, one line per
 * metric (kind mean: the mean over seeds with its 95% interval), then one line per other strategy's
 * paired difference to the cell's best (kind paired_difference).
 */
export function experimentCsv(grid: Record<string, unknown[]>, cells: readonly CellAggregate[]): string {
  const settings = Object.keys(grid);
  const records: unknown[][] = [];
  const value = (v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : Array.isArray(v) ? v.join(' ') : v);
  for (const c of cells) {
    const head = (strategy: string) => [c.cell, ...settings.map((k) => value(c.settings[k])), strategy];
    for (const s of c.strategies) {
      for (const metric of METRIC_NAMES) {
        const m = s.metrics[metric];
        records.push([...head(s.strategy), 'mean', metric, m.n, value(m.mean), m.sd, m.low, m.high, m.halfWidth, null, null, c.best].map(value));
      }
    }
    for (const d of c.differences) {
      records.push([...head(d.strategy), 'paired_difference', d.metric, d.n, value(d.mean), d.sd, d.low, d.high, d.halfWidth, d.significant, d.relativeMean, c.best].map(value));
    }
  }
  const columns = [...COLUMNS.slice(0, 1), ...settings, ...COLUMNS.slice(1)];
  return stringify(records, { header: true, columns, cast: { boolean: (v) => String(v) } });
}
