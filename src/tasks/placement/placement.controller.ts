import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlacementBatchRequest, PlacementBatchResponse, PlacementRequest, PlacementResponse } from './dto/placement.dto.js';
import { PlacementBatchPipe } from './dto/placement-batch.pipe.js';
import { EngineErrorFilter } from '../../common/engine-error.filter.js';
import { PlacementService } from './placement.service.js';

@ApiTags('tasks')
@Controller('tasks')
@UseFilters(EngineErrorFilter)
export class PlacementController {
  constructor(private readonly placement: PlacementService) {}

  @Post('placement')
  @HttpCode(200)
  @ApiOperation({
    summary: "Every strategy's placement of one task now, and a recommendation; changes nothing",
    description: "On the continuous run's machines, a given run's (`runId`) or idle ones (`machine: \"empty\"`).",
  })
  @ApiOkResponse({ type: PlacementResponse })
  @ApiBadRequestResponse({ description: 'Invalid task, all-zero weights, or runId and machine together' })
  @ApiNotFoundResponse({ description: 'The run does not exist' })
  @ApiConflictResponse({ description: 'No continuous run exists (without runId or machine), or the run has no machine state yet' })
  advise(@Body() request: PlacementRequest): Promise<PlacementResponse> {
    return this.placement.advise(request);
  }

  @Post('placement/batch')
  @HttpCode(200)
  @ApiOperation({
    summary: "Every strategy's placement of up to 1,000 tasks, one after another; changes nothing",
    description:
      'The tasks all arrive now and are placed in order: each strategy places each task on its machine as the earlier ones of the batch left it ' +
      '(its own turn and random draws move on, nothing learns). The answer gives each strategy\'s totals over the batch, the one to use by the weights, ' +
      'and its placement of every task (or those of `strategy`).',
  })
  @ApiBody({ type: PlacementBatchRequest })
  @ApiOkResponse({ type: PlacementBatchResponse })
  @ApiBadRequestResponse({ description: 'Invalid task, more than 1,000 tasks, all-zero weights, or runId and machine together' })
  @ApiNotFoundResponse({ description: 'The run does not exist' })
  @ApiConflictResponse({ description: 'No continuous run exists (without runId or machine), or the run has no machine state yet' })
  // Typed as a plain object so that the global ValidationPipe leaves it to PlacementBatchPipe.
  adviseBatch(@Body(PlacementBatchPipe) request: Record<string, unknown> & PlacementBatchRequest): Promise<PlacementBatchResponse> {
    return this.placement.adviseBatch(request);
  }
}
