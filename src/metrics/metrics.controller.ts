import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BIGINT_ID } from '../common/parse-id.pipe.js';
import { ListWindowsQuery } from './dto/list-windows.query.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('windows')
  listWindows(@Query() query: ListWindowsQuery) {
    const { limit, cursor, ...filter } = query;
    return this.metrics.listWindows(filter, limit, cursor);
  }

  @Get('windows/:id')
  getWindow(@Param('id', BIGINT_ID) id: number) {
    return this.metrics.getWindow(id);
  }
}
