import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BIGINT_ID } from '../common/parse-id.pipe.js';
import { ListTrainingDataQuery } from './dto/list-training-data.query.js';
import { TrainingService } from './training.service.js';

@ApiTags('training')
@Controller('training')
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  @Get('data')
  listSamples(@Query() query: ListTrainingDataQuery) {
    return this.training.listSamples(query.runId, query.limit, query.cursor);
  }

  @Get('data/:id')
  getSample(@Param('id', BIGINT_ID) id: number) {
    return this.training.getSample(id);
  }
}
