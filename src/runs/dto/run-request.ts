import { BadRequestException, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { createValidationPipe } from '../../app.validation.js';
import { ContinuousRunService } from '../continuous-run.service.js';
import { CreateRunDto, type CreatedRunResponse, type CsvRunQuery } from './create-run.dto.js';
import { parseTraceCsv, parseTraceRecords } from '../../engine/index.js';
import { RunsService } from '../batch-runs.service.js';

const DEFAULT_SEED = 42;

/** Turns POST /api/simulation/runs bodies (JSON or CSV) into runs; validation errors are 400s. */
@Injectable()
export class RunRequestsService {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly runs: RunsService,
    private readonly continuous: ContinuousRunService,
  ) {}

  async create(contentType: string | undefined, body: unknown, query: CsvRunQuery): Promise<CreatedRunResponse> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/csv') {
      if (typeof body !== 'string' || body.trim() === '') throw new BadRequestException(['body must be a CSV trace with a header row']);
      // The engine validates every row and throws its row-level errors (400) before anything is stored.
      const trace = parseTraceCsv(body);
      const { name, seed, ...settings } = query;
      return this.runs.createTrace(name, trace, { ...settings, seed: seed ?? DEFAULT_SEED });
    }
    if (type !== 'application/json') throw new UnsupportedMediaTypeException('send application/json or text/csv');
    const inQuery = Object.keys(query).filter((key) => query[key as keyof CsvRunQuery] !== undefined);
    if (inQuery.length > 0) throw new BadRequestException(inQuery.map((key) => `${key}: with a JSON body, settings go in the body`));
    const dto = (await this.pipe.transform(body, { type: 'body', metatype: CreateRunDto })) as CreateRunDto;
    const options = {
      seed: dto.seed ?? DEFAULT_SEED,
      gpus: dto.gpus,
      strategies: dto.strategies,
      arrivalRate: dto.arrivalRate,
      retrainInterval: dto.retrainInterval,
      retrainLag: dto.retrainLag,
    };
    if (dto.kind === 'batch') {
      if (dto.trace !== undefined) throw new BadRequestException(['trace: only for kind "trace"']);
      return this.runs.createBatch(dto.name, dto.tasks as number, options);
    }
    if (dto.tasks !== undefined || dto.arrivalRate !== undefined) throw new BadRequestException(['tasks and arrivalRate: only for kind "batch"']);
    return this.runs.createTrace(dto.name, parseTraceRecords(dto.trace as unknown[]), options);
  }

  async delete(id: number): Promise<void> {
    // The continuous run is stopped before its rows go.
    if (this.continuous.runId === id) await this.continuous.stop();
    await this.runs.delete(id);
  }
}
