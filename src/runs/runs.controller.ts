import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PageQuery } from '../common/page.js';
import { INT_ID } from '../common/parse-id.pipe.js';
import { Consumes } from '../common/route-policy.js';
import { ApiIdParam } from '../common/api-responses.js';
import { EngineErrorFilter } from '../common/engine-error.filter.js';
import type { ContinuousStatus } from './continuous-run.service.js';
import { CreateRunDto, CreatedRunResponse, CsvRunQuery } from './dto/create-run.dto.js';
import { parseRunRequest } from './dto/run-request.js';
import { RunResponse } from './dto/run.response.js';
import { RunCatalog } from './run-catalog.service.js';
import { RunLifecycle } from './run-lifecycle.service.js';

@ApiTags('simulation')
@Controller('simulation')
@UseFilters(EngineErrorFilter)
export class RunsController {
  constructor(
    private readonly catalog: RunCatalog,
    private readonly lifecycle: RunLifecycle,
  ) {}

  @Get('status')
  @ApiOperation({ summary: 'The continuous run: running, paused, tasks processed' })
  status(): Promise<ContinuousStatus> {
    return this.lifecycle.status();
  }

  @Post('start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a new continuous run (no-op while one exists)' })
  start() {
    return this.lifecycle.start();
  }

  @Post('stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the continuous run' })
  stop() {
    return this.lifecycle.stop();
  }

  @Post('pause')
  @HttpCode(200)
  pause() {
    return this.lifecycle.pause();
  }

  @Post('resume')
  @HttpCode(200)
  resume() {
    return this.lifecycle.resumeContinuous();
  }

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a batch experiment (JSON) or a trace replay (JSON, or a text/csv body with ?name=&seed=); runs in the background',
    description: 'The body is at most 20 MB (413 beyond): a CSV trace of up to 200,000 rows with every column at full precision. CSV goes as text/csv; any other type than it and application/json answers 415.',
  })
  @Consumes('application/json', 'text/csv')
  @ApiBody({ type: CreateRunDto })
  @ApiAcceptedResponse({ type: CreatedRunResponse })
  async createRun(@Req() request: FastifyRequest, @Query() query: CsvRunQuery): Promise<CreatedRunResponse> {
    return this.lifecycle.create(await parseRunRequest(request.headers['content-type'], request.body, query));
  }

  @Get('runs')
  @ApiOkResponse({ description: 'Runs, newest first' })
  listRuns(@Query() query: PageQuery) {
    return this.catalog.listRuns(query.limit, query.cursor);
  }

  @Get('runs/:id')
  @ApiIdParam('Run')
  @ApiOkResponse({ type: RunResponse })
  getRun(@Param('id', INT_ID) id: number) {
    return this.catalog.getRun(id);
  }

  @Delete('runs/:id')
  @ApiIdParam('Run')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The run and all of its rows are gone' })
  async deleteRun(@Param('id', INT_ID) id: number): Promise<void> {
    await this.lifecycle.delete(id);
  }
}
