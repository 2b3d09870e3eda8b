import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiBadRequest, ApiIdParam, ApiNotFound, ApiPageResponse } from '../common/api-responses.js';
import { BIGINT_ID } from '../common/parse-id.pipe.js';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';
import { LeaderboardResponse, SchedulerStandingResponse } from './dto/leaderboard.response.js';
import { LeaderboardQuery, ListWindowsQuery } from './dto/list-windows.query.js';
import { WindowResponse } from './dto/window.response.js';
import { LeaderboardService } from './leaderboard.service.js';
import { MetricsService } from './metrics.service.js';
import { StrategyNamePipe } from './strategy-name.pipe.js';
import { FastPathAnswer } from '../http/fast-path/fast-path-answer.decorator.js';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly leaderboard: LeaderboardService,
  ) {}

  @Get('leaderboard')
  @FastPathAnswer()
  @ApiOperation({ summary: "Every strategy's standing in a run, from its running aggregates (?exact=true: over all its stored results; cached per run data version)" })
  @ApiOkResponse({ type: LeaderboardResponse })
  @ApiBadRequest()
  @ApiNotFound('The run (or, with runId omitted, a continuous run)')
  getLeaderboard(@Query() { runId, exact }: LeaderboardQuery) {
    return this.leaderboard.get(runId, exact === 'true');
  }

  @Get('schedulers/:name')
  @ApiOperation({ summary: "One strategy's standing in a run" })
  @ApiParam({ name: 'name', enum: ALL_STRATEGY_NAMES, description: 'A strategy; any other name is a 400 listing them' })
  @ApiOkResponse({ type: SchedulerStandingResponse })
  @ApiBadRequest()
  @ApiNotFound('The run, or the strategy in it')
  getScheduler(@Param('name', new StrategyNamePipe()) name: string, @Query() { runId, exact }: LeaderboardQuery) {
    return this.leaderboard.standing(name, runId, exact === 'true');
  }

  @Get('windows')
  @FastPathAnswer()
  @ApiOperation({ summary: "A run's per-strategy windows of K tasks as a time series (by window start, then strategy)" })
  @ApiPageResponse(WindowResponse)
  @ApiNotFound('The run (or, with runId omitted, a continuous run)')
  listWindows(@Query() { runId, scheduler, limit, cursor }: ListWindowsQuery) {
    return this.metrics.series(runId, scheduler, limit, cursor);
  }

  @Get('windows/:id')
  @ApiIdParam('Window')
  @ApiOperation({ summary: 'One window' })
  @ApiOkResponse({ type: WindowResponse })
  @ApiBadRequest()
  @ApiNotFound('The window')
  getWindow(@Param('id', BIGINT_ID) id: number) {
    return this.metrics.getWindow(id);
  }
}
