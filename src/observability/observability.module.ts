import { Global, Module } from '@nestjs/common';
import { AppMetrics } from './app-metrics.service.js';
import { PrometheusController } from './prometheus.controller.js';
import { TableSizes } from './table-sizes.repository.js';

// Global: the simulation reports run metrics here without importing this module.
@Global()
@Module({ providers: [AppMetrics, TableSizes], controllers: [PrometheusController], exports: [AppMetrics] })
export class ObservabilityModule {}
