import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlacementRequest, PlacementResponse } from './dto/placement.dto.js';
import { EngineErrorFilter } from './engine-error.filter.js';
import { PlacementService } from './placement.service.js';

@ApiTags('tasks')
@Controller('tasks')
@UseFilters(EngineErrorFilter)
export class PlacementController {
  constructor(private readonly placement: PlacementService) {}

  @Post('placement')
  @HttpCode(200)
  @ApiOperation({ summary: "Every strategy's placement of one task on the continuous run's current machine state, and a recommendation; changes nothing" })
  @ApiOkResponse({ type: PlacementResponse })
  @ApiConflictResponse({ description: 'No continuous run exists' })
  advise(@Body() request: PlacementRequest): PlacementResponse {
    return this.placement.advise(request);
  }
}
