import { Injectable, StreamableFile } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { pipeline, Transform, type Readable } from 'node:stream';
import { strategyNames } from '../engine/index.js';
import { RunScope } from '../runs/run-scope.service.js';
import { COMPARATIVE_RESULT_FIELDS, type ComparativeItem } from './dto/comparative.response.js';
import { RESULT_FIELDS } from './dto/result.response.js';
import { groupComparativeRows } from './comparative-rows.js';
import { ResultsRepository, type ComparativeRow, type ResultFilter } from './results.repository.js';

const TASK_FIELDS = ['taskId', 'size', 'computeIntensity', 'memoryRequired', 'arrivalTime'] as const;

/**
 * CSV exports, streamed from a PostgreSQL cursor through csv-stringify to the socket: memory stays
 * flat however many rows there are, and a slow client slows the cursor down (backpressure).
 */
@Injectable()
export class ResultsExportService {
  constructor(
    private readonly results: ResultsRepository,
    private readonly scope: RunScope,
  ) {}

  /** Every result matching the filter, in the list's order, with the list's fields. */
  async resultsCsv(filter: ResultFilter): Promise<StreamableFile> {
    if (filter.runId !== undefined) await this.scope.assertExists(filter.runId);
    const rows = await this.results.streamResults(filter);
    return this.csv(rows, [...RESULT_FIELDS], 'results.csv');
  }

  /** One line per task (latest first): the task's features, then `<strategy>.<field>` for every strategy. */
  async comparativeCsv(runId: number | undefined): Promise<StreamableFile> {
    const id = await this.scope.resolve(runId);
    await this.scope.assertExists(id);
    const strategies = strategyNames();
    const columns = [...TASK_FIELDS, ...strategies.flatMap((s) => COMPARATIVE_RESULT_FIELDS.map((f) => `${s}.${f}`))];
    const rows = await this.results.streamComparative(id);
    return this.csv(pipeline(rows, new TaskGrouper(), () => undefined), columns, `comparative-run-${id}.csv`);
  }

  private csv(source: Readable, columns: string[], filename: string): StreamableFile {
    const out = stringify({ header: true, columns, cast: { boolean: (v) => String(v) } });
    // pipeline destroys the cursor stream (and so releases its connection) if the client goes away.
    const body = pipeline(source, out, () => undefined);
    return new StreamableFile(body, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
  }
}

/** Folds consecutive rows of one task into one flat CSV record. */
class TaskGrouper extends Transform {
  private pending: ComparativeRow[] = [];

  constructor() {
    super({ objectMode: true });
  }

  override _transform(row: ComparativeRow, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.pending.length > 0 && this.pending[0].taskId !== row.taskId) this.emit1();
    this.pending.push(row);
    done();
  }

  override _flush(done: (error?: Error | null) => void): void {
    if (this.pending.length > 0) this.emit1();
    done();
  }

  private emit1(): void {
    const [item] = groupComparativeRows(this.pending);
    this.pending = [];
    this.push(flatten(item));
  }
}

function flatten(item: ComparativeItem): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const f of TASK_FIELDS) record[f] = item[f];
  for (const [strategy, result] of Object.entries(item.results)) {
    for (const f of COMPARATIVE_RESULT_FIELDS) record[`${strategy}.${f}`] = result[f];
  }
  return record;
}
