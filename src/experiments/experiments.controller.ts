import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiBadRequest, ApiIdParam, ApiNotFound } from '../common/api-responses.js';
import { INT_ID } from '../common/parse-id.pipe.js';
import { Consumes } from '../common/route-policy.js';
import { CreatedExperimentResponse, CreateExperimentDto } from './dto/create-experiment.dto.js';
import { ExperimentQuery, ListExperimentsQuery } from './dto/experiment.query.js';
import { experimentCsv } from './experiment-csv.js';
import { ExperimentsService, type ExperimentDetail, type ExperimentSummary } from './experiments.service.js';

@ApiTags('experiments')
@Controller('experiments')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Post()
  @HttpCode(202)
  @Consumes('application/json')
  @ApiOperation({
    summary: 'Start an experiment: one batch run per (grid cell, seed), executed by the run queue',
    description: 'Every cell is validated before anything is stored (400 naming the cell). At most 1000 runs.',
  })
  @ApiAcceptedResponse({ type: CreatedExperimentResponse })
  @ApiBadRequest()
  create(@Body() dto: CreateExperimentDto): Promise<CreatedExperimentResponse> {
    return this.experiments.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Experiments, newest first, with their progress' })
  @ApiOkResponse({ description: '{ items: [{ id, name, createdAt, status, base, grid, seeds, progress }] }' })
  async list(@Query() { limit }: ListExperimentsQuery): Promise<{ items: ExperimentSummary[] }> {
    return { items: await this.experiments.list(limit) };
  }

  @Get(':id')
  @ApiIdParam('Experiment')
  @ApiOperation({
    summary: 'Progress, and per cell and strategy the mean over seeds of each metric with its 95% confidence interval (Student t); the best strategy and paired differences to it',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'The experiment, its progress and its cells' })
  @ApiNotFound('The experiment')
  async get(@Param('id', INT_ID) id: number, @Query() { format }: ExperimentQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<ExperimentDetail | string> {
    const detail = await this.experiments.get(id);
    if (format !== 'csv') return detail;
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="experiment-${id}.csv"`);
    return experimentCsv(detail.grid, detail.cells);
  }

  @Delete(':id')
  @ApiIdParam('Experiment')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The experiment and its runs (with all of their rows) are gone' })
  @ApiNotFound('The experiment')
  async delete(@Param('id', INT_ID) id: number): Promise<void> {
    await this.experiments.delete(id);
  }
}
