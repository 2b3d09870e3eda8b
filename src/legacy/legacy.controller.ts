import { Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LenientQuery } from '../common/query-policy.interceptor.js';
import { ComparativeHistoryQuery, ComparativeHistoryRow, ComparativeResult } from './dto/comparative-history.dto.js';
import { FullHistoryRow } from './dto/full-history-row.response.js';
import { ClearHistoryResponse, LegacyStatusResponse, LegacyStrategyMetrics } from './dto/legacy-status.response.js';
import { LegacyService } from './legacy.service.js';

/** The existing React dashboard's routes, kept as they were (snake_case on purpose, unknown query parameters ignored). */
@ApiTags('legacy dashboard')
@LenientQuery()
@ApiExtraModels(LegacyStrategyMetrics, ComparativeResult)
@Controller()
export class LegacyController {
  constructor(private readonly legacy: LegacyService) {}

  @Get('status')
  @ApiOperation({ summary: 'The continuous run and its per-strategy metrics' })
  @ApiOkResponse({ type: LegacyStatusResponse })
  status(): Promise<LegacyStatusResponse> {
    return this.legacy.status();
  }

  @Post('start')
  @HttpCode(200)
  @ApiOkResponse({ type: LegacyStatusResponse })
  start(): Promise<LegacyStatusResponse> {
    return this.legacy.start();
  }

  @Post('stop')
  @HttpCode(200)
  @ApiOkResponse({ type: LegacyStatusResponse })
  stop(): Promise<LegacyStatusResponse> {
    return this.legacy.stop();
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOkResponse({ type: LegacyStatusResponse })
  pause(): Promise<LegacyStatusResponse> {
    return this.legacy.pause();
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOkResponse({ type: LegacyStatusResponse })
  resume(): Promise<LegacyStatusResponse> {
    return this.legacy.resume();
  }

  @Get('full_history')
  @ApiOperation({ summary: 'The continuous run\'s latest 1,000 training rows, latest first' })
  @ApiOkResponse({ type: FullHistoryRow, isArray: true })
  fullHistory(): Promise<FullHistoryRow[]> {
    return this.legacy.fullHistory();
  }

  @Get('history/comparative')
  @ApiOperation({ summary: 'The continuous run\'s latest tasks, every strategy side by side, latest first' })
  @ApiOkResponse({ type: ComparativeHistoryRow, isArray: true })
  comparative(@Query() query: ComparativeHistoryQuery): Promise<ComparativeHistoryRow[]> {
    return this.legacy.comparativeHistory(query.limit);
  }

  @Delete('history')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear every run\'s stored data; a running continuous run starts afresh' })
  @ApiOkResponse({ type: ClearHistoryResponse })
  clearHistory(): Promise<ClearHistoryResponse> {
    return this.legacy.clearHistory();
  }
}
