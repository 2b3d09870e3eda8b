import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BIGINT_ID } from '../common/parse-id.pipe.js';
import { ListResultsQuery } from './dto/list-results.query.js';
import { ResultsService } from './results.service.js';

@ApiTags('results')
@Controller('results')
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Get()
  list(@Query() query: ListResultsQuery) {
    const { limit, cursor, ...filter } = query;
    return this.results.list(filter, limit, cursor);
  }

  @Get(':id')
  get(@Param('id', BIGINT_ID) id: number) {
    return this.results.get(id);
  }
}
