import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PageQuery } from '../common/page.js';
import { INT_ID } from '../common/parse-id.pipe.js';
import { Consumes } from '../common/route-policy.js';
import { ContinuousRunService, type ContinuousStatus } from './continuous-run.service.js';
import { CreateRunDto, CreatedRunResponse, CsvRunQuery } from './dto/create-run.dto.js';
import { RunResponse } from './dto/run.response.js';
import { EngineErrorFilter } from '../common/engine-error.filter.js';
import { RunRequestsService } from './dto/run-request.js';
import { SimulationService } from './run-catalog.service.js';
import { ApiIdParam } from '../common/api-responses.js';

@ApiTags('simulation')
@Controller('simulation')
@UseFilters(EngineErrorFilter)
export class SimulationController {
  constructor(
    private readonly simulation: SimulationService,
    private readonly continuous: ContinuousRunService,
    private readonly requests: RunRequestsService,
  ) {}

  @Get('status')
  @ApiOperation({ summary: 'The continuous run: running, paused, tasks processed' })
  status(): ContinuousStatus {
    return this.continuous.status();
  }

  @Post('start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a new continuous run (no-op while one exists)' })
  start() {
    return this.continuous.start();
  }

  @Post('stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the continuous run' })
  stop() {
    return this.continuous.stop();
  }

  @Post('pause')
  @HttpCode(200)
  pause() {
    return this.continuous.pause();
  }

  @Post('resume')
  @HttpCode(200)
  resume() {
    return this.continuous.resume();
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
  createRun(@Req() request: FastifyRequest, @Query() query: CsvRunQuery): Promise<CreatedRunResponse> {
    return this.requests.create(request.headers['content-type'], request.body, query);
  }

  @Get('runs')
  @ApiOkResponse({ description: 'Runs, newest first' })
  listRuns(@Query() query: PageQuery) {
    return this.simulation.listRuns(query.limit, query.cursor);
  }

  @Get('runs/:id')
  @ApiIdParam('Run')
  @ApiOkResponse({ type: RunResponse })
  getRun(@Param('id', INT_ID) id: number) {
    return this.simulation.getRun(id);
  }

  @Delete('runs/:id')
  @ApiIdParam('Run')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The run and all of its rows are gone' })
  async deleteRun(@Param('id', INT_ID) id: number): Promise<void> {
    await this.requests.delete(id);
  }
}
