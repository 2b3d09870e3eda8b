import { parse } from 'csv-parse/sync';
import { DEFAULT_ENGINE_CONFIG, type WorkloadSpec } from '../config.js';
import { TraceValidationError, type TraceRowError } from '../errors.js';
import { durationEstimate, type Task } from './task.js';
import { nodesOnCycles, stableTopologicalOrder } from './trace-graph.js';

/** The trace columns, in CSV order. */
export const TRACE_COLUMNS = ['task_id', 'size', 'compute_intensity', 'memory_required', 'arrival_time', 'duration_estimate', 'dependencies'] as const;
const REQUIRED_COLUMNS = ['task_id', 'size', 'compute_intensity', 'memory_required', 'arrival_time'] as const;
const CAMEL: Record<string, string> = {
  task_id: 'taskId',
  compute_intensity: 'computeIntensity',
  memory_required: 'memoryRequired',
  arrival_time: 'arrivalTime',
  duration_estimate: 'durationEstimate',
};

/** Options of trace parsing: the duration model used when duration_estimate is absent. */
export type TraceOptions = Partial<Pick<WorkloadSpec, 'durationSizeUnit' | 'durationExponent' | 'durationIntensityOffset'>>;

/**
 * Parses and validates a CSV trace (header row with the TRACE_COLUMNS; duration_estimate and
 * dependencies optional). Rows are numbered from 1 after the header.
 * @throws TraceValidationError listing every bad row.
 */
export function parseTraceCsv(text: string, options: TraceOptions = {}): Task[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true });
  } catch (error) {
    const err = error as Error & { records?: unknown };
    const row = typeof err.records === 'number' ? err.records + 1 : 0;
    throw new TraceValidationError([{ row, code: 'MALFORMED_CSV', message: err.message }]);
  }
  if (records.length > 0) {
    const header = Object.keys(records[0]);
    const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
    if (missing.length > 0) {
      throw new TraceValidationError(missing.map((field) => ({ row: 0, code: 'MISSING_COLUMN', field, message: `The CSV header has no "${field}" column` })));
    }
  }
  return parseTraceRecords(records, options);
}

/**
 * Validates trace records (objects with snake_case or camelCase keys; numbers or numeric strings)
 * and returns the tasks sorted by arrival (stable), parents before children.
 * @throws TraceValidationError listing every bad row.
 */
export function parseTraceRecords(records: readonly unknown[], options: TraceOptions = {}): Task[] {
  // A run needs at least one task (a CSV with a header and no rows would otherwise make an empty run).
  if (records.length === 0) throw new TraceValidationError([{ row: 0, code: 'EMPTY_TRACE', message: 'The trace has no task rows' }]);
  const spec = { ...DEFAULT_ENGINE_CONFIG.workload, ...options };
  const errors: TraceRowError[] = [];
  const parsed = records.map((record, i) => parseRecord(record, i + 1, spec, errors));
  checkGraph(parsed, errors);
  if (errors.length > 0) throw new TraceValidationError(errors.sort((a, b) => a.row - b.row));
  return orderTasks(parsed.map((p) => p.task as Task));
}

// A row's id and dependencies are kept even when another field is bad, so its dependants are not reported too.
interface ParsedRow {
  readonly id?: number;
  readonly dependencies: readonly number[];
  readonly task: Task | null;
}

function parseRecord(record: unknown, row: number, spec: WorkloadSpec, errors: TraceRowError[]): ParsedRow {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    errors.push({ row, code: 'NOT_AN_OBJECT', message: `Row ${row} is not an object` });
    return { dependencies: [], task: null };
  }
  const rec = record as Record<string, unknown>;
  const before = errors.length;
  const read = (field: string, required: boolean): number | undefined => readNumber(rec, field, required, row, errors);
  const id = read('task_id', true);
  const size = read('size', true);
  const intensity = read('compute_intensity', true);
  const memory = read('memory_required', true);
  const arrival = read('arrival_time', true);
  const duration = read('duration_estimate', false);
  const dependencies = readDependencies(field(rec, 'dependencies'), row, errors);
  const bad = (code: string, name: string, message: string): void => void errors.push({ row, code, field: name, message });
  const validId = id !== undefined && Number.isSafeInteger(id);
  if (id !== undefined && !validId) bad('INVALID_TASK_ID', 'task_id', `task_id must be an integer, got ${id}`);
  if (size !== undefined && size <= 0) bad('NON_POSITIVE_SIZE', 'size', `size must be > 0, got ${size}`);
  if (intensity !== undefined && (intensity < 0 || intensity > 1)) bad('INTENSITY_OUT_OF_RANGE', 'compute_intensity', `compute_intensity must be within [0, 1], got ${intensity}`);
  if (memory !== undefined && memory < 0) bad('NEGATIVE_MEMORY', 'memory_required', `memory_required must be >= 0, got ${memory}`);
  if (arrival !== undefined && (arrival < 0 || !Number.isFinite(arrival))) bad('INVALID_ARRIVAL_TIME', 'arrival_time', `arrival_time must be finite and >= 0, got ${arrival}`);
  if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) bad('INVALID_DURATION', 'duration_estimate', `duration_estimate must be > 0, got ${duration}`);
  const known = { id: validId ? id : undefined, dependencies: dependencies ?? [] };
  if (errors.length > before) return { ...known, task: null };
  const task: Task = {
    id: id as number,
    size: size as number,
    computeIntensity: intensity as number,
    memoryRequired: memory as number,
    arrivalTime: arrival as number,
    durationEstimate: duration ?? durationEstimate(size as number, intensity as number, spec),
    dependencies: dependencies ?? [],
  };
  return { ...known, task };
}

function field(rec: Record<string, unknown>, name: string): unknown {
  return rec[name] ?? (CAMEL[name] === undefined ? undefined : rec[CAMEL[name]]);
}

function readNumber(rec: Record<string, unknown>, name: string, required: boolean, row: number, errors: TraceRowError[]): number | undefined {
  const raw = field(rec, name);
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (required) errors.push({ row, code: 'MISSING_FIELD', field: name, message: `${name} is missing` });
    return undefined;
  }
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  // Infinity passes here for arrival_time, which reports it with its own code.
  if (Number.isNaN(value) || (!Number.isFinite(value) && name !== 'arrival_time')) {
    errors.push({ row, code: 'NOT_A_NUMBER', field: name, message: `${name} must be a number, got ${JSON.stringify(raw)}` });
    return undefined;
  }
  return value;
}

// Accepts an array of ids, "[0, 3]", "0;3", "0,3", "" or nothing.
function readDependencies(raw: unknown, row: number, errors: TraceRowError[]): number[] | undefined {
  if (raw === undefined || raw === null) return [];
  let parts: unknown[];
  if (Array.isArray(raw)) parts = raw;
  else if (typeof raw === 'number') parts = [raw];
  else if (typeof raw === 'string') parts = raw.trim().replace(/^\[|\]$/g, '').split(/[;,\s]+/).filter((s) => s !== '');
  else parts = [Number.NaN];
  const ids = parts.map((p) => (typeof p === 'number' ? p : typeof p === 'string' ? Number(p) : Number.NaN));
  if (!ids.every(Number.isSafeInteger)) {
    errors.push({ row, code: 'INVALID_DEPENDENCIES', field: 'dependencies', message: `dependencies must be task ids, got ${JSON.stringify(raw)}` });
    return undefined;
  }
  return [...new Set(ids)];
}

function checkGraph(rows: readonly ParsedRow[], errors: TraceRowError[]): void {
  const indexOfId = new Map<number, number>();
  rows.forEach(({ id }, i) => {
    if (id === undefined) return;
    const first = indexOfId.get(id);
    if (first === undefined) indexOfId.set(id, i);
    else errors.push({ row: i + 1, code: 'DUPLICATE_TASK_ID', field: 'task_id', message: `task_id ${id} already used on row ${first + 1}` });
  });
  const edges: number[][] = rows.map(() => []);
  rows.forEach(({ id, dependencies }, i) => {
    if (id === undefined) return;
    for (const parent of dependencies) {
      const parentIndex = indexOfId.get(parent);
      if (parent === id) {
        errors.push({ row: i + 1, code: 'SELF_DEPENDENCY', field: 'dependencies', message: `task ${id} depends on itself` });
      } else if (parentIndex === undefined) {
        errors.push({ row: i + 1, code: 'UNKNOWN_DEPENDENCY', field: 'dependencies', message: `task ${id} depends on unknown task ${parent}` });
      } else if (indexOfId.get(id) === i) {
        edges[i].push(parentIndex);
      }
    }
  });
  for (const i of nodesOnCycles(edges)) {
    errors.push({ row: i + 1, code: 'DEPENDENCY_CYCLE', field: 'dependencies', message: `task ${rows[i].id} is on a dependency cycle` });
  }
}

// Stable sort by arrival; a parent arriving after its child is moved before it (step order is FIFO per device).
function orderTasks(tasks: Task[]): Task[] {
  const sorted = tasks.map((task, i) => ({ task, i })).sort((a, b) => a.task.arrivalTime - b.task.arrivalTime || a.i - b.i).map((x) => x.task);
  const position = new Map(sorted.map((task, i) => [task.id, i]));
  const edges = sorted.map((task) => task.dependencies.map((d) => position.get(d) as number));
  if (edges.every((parents, i) => parents.every((p) => p < i))) return sorted;
  return stableTopologicalOrder(edges).map((i) => sorted[i]);
}
