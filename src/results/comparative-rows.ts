import { ORACLE_STRATEGY_NAME } from '../engine/index.js';
import { COMPARATIVE_RESULT_FIELDS, type ComparativeItem, type StrategyOutcome } from './dto/comparative.response.js';
import type { ComparativeRow } from './results.repository.js';

/** Folds rows ordered by task (one per strategy) into one item per task, keeping the order. */
export function groupComparativeRows(rows: ComparativeRow[]): ComparativeItem[] {
  const items: ComparativeItem[] = [];
  let current: ComparativeItem | undefined;
  for (const row of rows) {
    if (current?.taskId !== row.taskId) {
      current = { taskId: row.taskId, size: row.size, computeIntensity: row.computeIntensity, memoryRequired: row.memoryRequired, arrivalTime: row.arrivalTime, results: {}, winners: [] };
      items.push(current);
    }
    if (row.schedulerName === null) continue;
    const outcome = {} as Record<string, unknown>;
    for (const f of COMPARATIVE_RESULT_FIELDS) outcome[f] = row[f];
    current.results[row.schedulerName] = outcome as unknown as StrategyOutcome;
  }
  for (const item of items) item.winners = winnersOf(item.results);
  return items;
}

function winnersOf(results: Record<string, StrategyOutcome>): string[] {
  const contenders = Object.entries(results).filter(([name]) => name !== ORACLE_STRATEGY_NAME);
  const best = Math.min(...contenders.map(([, r]) => r.completionTime));
  return contenders.filter(([, r]) => r.completionTime === best).map(([name]) => name);
}
