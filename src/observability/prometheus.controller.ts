import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppMetrics } from './app-metrics.service.js';

/** GET /metrics (outside /api, where Prometheus looks by default). */
@ApiTags('observability')
@Controller()
export class PrometheusController {
  constructor(private readonly metrics: AppMetrics) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics: process, HTTP latency, simulation throughput, flushes, retrains, cache, WebSocket clients, table and database sizes.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.scrape();
    void reply.type(this.metrics.contentType);
    return text;
  }
}
