import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/page.js';
import { INT_ID } from '../common/parse-id.pipe.js';
import { SimulationService } from './simulation.service.js';

@ApiTags('simulation')
@Controller('simulation')
export class SimulationController {
  constructor(private readonly simulation: SimulationService) {}

  @Get('runs')
  listRuns(@Query() query: PageQuery) {
    return this.simulation.listRuns(query.limit, query.cursor);
  }

  @Get('runs/:id')
  getRun(@Param('id', INT_ID) id: number) {
    return this.simulation.getRun(id);
  }
}
