import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { createValidationPipe } from '../../app.validation.js';
import { parseTraceCsv, parseTraceRecords, type Task } from '../../engine/index.js';
import type { RunOptions } from '../execution/run-factory.js';
import { CreateRunDto, type CsvRunQuery } from './create-run.dto.js';

const DEFAULT_SEED = 42;

/** A validated request for a batch experiment or a trace replay. */
export type RunRequest =
  | { kind: 'batch'; name: string | undefined; tasks: number; options: RunOptions }
  | { kind: 'trace'; name: string | undefined; trace: Task[]; options: RunOptions };

const pipe = createValidationPipe();

/** Turns a POST /api/simulation/runs body (JSON or CSV) into a run request; validation errors are 400s. */
export async function parseRunRequest(contentType: string | undefined, body: unknown, query: CsvRunQuery): Promise<RunRequest> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') {
    if (typeof body !== 'string' || body.trim() === '') throw new BadRequestException(['body must be a CSV trace with a header row']);
    // The engine validates every row and throws its row-level errors (400) before anything is stored.
    const trace = parseTraceCsv(body);
    const { name, seed, ...settings } = query;
    return { kind: 'trace', name, trace, options: { ...settings, seed: seed ?? DEFAULT_SEED } };
  }
  if (type !== 'application/json') throw new UnsupportedMediaTypeException('send application/json or text/csv');
  const inQuery = Object.keys(query).filter((key) => query[key as keyof CsvRunQuery] !== undefined);
  if (inQuery.length > 0) throw new BadRequestException(inQuery.map((key) => `${key}: with a JSON body, settings go in the body`));
  const dto = (await pipe.transform(body, { type: 'body', metatype: CreateRunDto })) as CreateRunDto;
  const { kind: _kind, name: _name, tasks: _tasks, trace: _trace, seed, ...settings } = dto;
  const options: RunOptions = { ...settings, seed: seed ?? DEFAULT_SEED };
  if (dto.kind === 'batch') {
    if (dto.trace !== undefined) throw new BadRequestException(['trace: only for kind "trace"']);
    return { kind: 'batch', name: dto.name, tasks: dto.tasks as number, options };
  }
  if (dto.tasks !== undefined || dto.arrivalRate !== undefined) throw new BadRequestException(['tasks and arrivalRate: only for kind "batch"']);
  return { kind: 'trace', name: dto.name, trace: parseTraceRecords(dto.trace as unknown[]), options };
}
