import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiNotFound, ApiPageResponse } from '../common/api-responses.js';
import { ComparativeItem, StrategyOutcome } from './dto/comparative.response.js';
import { ComparativeQuery, ListResultsQuery } from './dto/list-results.query.js';
import { ResultResponse } from './dto/result.response.js';
import { ResultsExportService } from './results-export.service.js';
import { ResultsService } from './results.service.js';
import { FastPathAnswer } from '../http/fast-path/fast-path-answer.decorator.js';

@ApiTags('results')
@Controller('results')
export class ResultsController {
  constructor(
    private readonly results: ResultsService,
    private readonly exports: ResultsExportService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Results, by run, task and strategy; ?format=csv streams every matching row' })
  @ApiProduces('application/json', 'text/csv')
  @ApiPageResponse(ResultResponse, undefined, { retained: true })
  @ApiNotFound('The run')
  list(@Query() { limit, cursor, format, ...filter }: ListResultsQuery) {
    return format === 'csv' ? this.exports.resultsCsv(filter) : this.results.list(filter, limit, cursor);
  }

  @Get('comparative')
  @FastPathAnswer()
  @ApiOperation({ summary: 'Per task (latest first), every strategy side by side; ?format=csv streams the whole run, one line per task' })
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(StrategyOutcome)
  @ApiPageResponse(ComparativeItem)
  @ApiNotFound('The run (or, with runId omitted, a continuous run)')
  comparative(@Query() { runId, limit, cursor, format }: ComparativeQuery) {
    return format === 'csv' ? this.exports.comparativeCsv(runId) : this.results.comparative(runId, limit, cursor);
  }
}
