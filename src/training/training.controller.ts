import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiGoneResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiBadRequest, ApiIdParam, ApiNotFound, ApiPageResponse, ErrorResponse } from '../common/api-responses.js';
import { BIGINT_ID, INT_ID } from '../common/parse-id.pipe.js';
import { RunQuery } from '../metrics/dto/list-windows.query.js';
import { ListTrainingDataQuery, ModelQuery, ModelVersionQuery } from './dto/list-training-data.query.js';
import { ModelJsonResponse, ModelResponse, TrainingStatsResponse } from './dto/training-stats.response.js';
import { TrainingSampleResponse } from './dto/training-sample.response.js';
import { TrainingService } from './training.service.js';
import { FastPathAnswer } from '../http/fast-path/fast-path-answer.decorator.js';

@ApiTags('training')
@Controller('training')
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  @Get('data')
  @ApiOperation({ summary: 'Training samples (features + oracle label), latest first' })
  @ApiPageResponse(TrainingSampleResponse, undefined, { retained: true })
  @ApiNotFound('The run')
  listSamples(@Query() { runId, limit, cursor }: ListTrainingDataQuery) {
    return this.training.listSamples(runId, limit, cursor);
  }

  @Get('data/:id')
  @ApiIdParam('Training sample')
  @ApiOperation({ summary: 'One training sample' })
  @ApiOkResponse({ type: TrainingSampleResponse })
  @ApiBadRequest()
  @ApiNotFound('The sample')
  getSample(@Param('id', BIGINT_ID) id: number) {
    return this.training.getSample(id);
  }

  @Get('stats')
  @FastPathAnswer()
  @ApiOperation({ summary: "Sample count and the label's distribution for a run" })
  @ApiOkResponse({ type: TrainingStatsResponse })
  @ApiBadRequest()
  @ApiNotFound('The run (or, with runId omitted, a continuous run)')
  stats(@Query() { runId }: RunQuery) {
    return this.training.stats(runId);
  }

  @Get('model/:version')
  @ApiOperation({ summary: "One model version's serialised forest; 410 once retention pruned it (the continuous run keeps the last RETAIN_MODELS and every RETAIN_MODELS_EVERYth)" })
  @ApiParam({ name: 'version', type: 'integer', description: 'Model version (1 for the first fit of the run)' })
  @ApiOkResponse({ type: ModelJsonResponse })
  @ApiBadRequest()
  @ApiNotFound('The run or the version')
  @ApiGoneResponse({ type: ErrorResponse, description: 'The version exists but its serialised model was pruned (its metadata stays)' })
  modelJson(@Param('version', INT_ID) version: number, @Query() { runId }: ModelVersionQuery) {
    return this.training.modelJson(runId, version);
  }

  @Get('model')
  @FastPathAnswer()
  @ApiOperation({ summary: "The run's current hybrid_ml model version (R², MAE, importances) and its history, newest first" })
  @ApiOkResponse({ type: ModelResponse })
  @ApiBadRequest()
  @ApiNotFound('The run (or, with runId omitted, a continuous run)')
  model(@Query() { runId, limit }: ModelQuery) {
    return this.training.model(runId, limit);
  }
}
