import { Injectable, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CacheService } from '../cache/cache.service.js';
import { TableSizes } from './table-sizes.repository.js';
import type { RunMetricsSink } from '../runs/execution/run-execution.js';

const HTTP_DURATION = {
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route pattern, method and status',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
};

/** A histogram of request durations labelled by route, method and status. */
export interface HttpDurationHistogram {
  observe(route: string, method: string, status: number, seconds: number): void;
}

/**
 * The service's Prometheus metrics. A registry of its own per app instance (not prom-client's
 * global one), so several apps in one process (the tests) never collide on a metric name.
 */
@Injectable()
export class AppMetrics {
  readonly registry = new Registry();
  private websocketClients: () => number = () => 0;

  private httpDuration: HttpDurationHistogram;

  private readonly tasksProcessed = new Counter({
    name: 'simulation_tasks_processed_total',
    help: 'Tasks stepped through every strategy, by run kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly flushDuration = new Histogram({
    name: 'simulation_flush_duration_seconds',
    help: 'Duration of a successful flush (one transaction), by run kind',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly flushRows = new Histogram({
    name: 'simulation_flush_rows',
    help: 'Rows written per flush (tasks, results, training samples, windows), by run kind',
    labelNames: ['kind'] as const,
    buckets: [10, 100, 500, 1000, 5000, 10000, 50000],
    registers: [this.registry],
  });

  private readonly retrainDuration = new Histogram({
    name: 'simulation_retrain_duration_seconds',
    help: 'Duration of a hybrid_ml model fit, by run kind',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly prunedRows = new Counter({
    name: 'retention_pruned_rows_total',
    help: "Rows of the continuous run deleted by retention (model_versions: forests cleared), by table",
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  constructor(@Optional() cache?: CacheService, @Optional() sizes?: TableSizes) {
    collectDefaultMetrics({ register: this.registry });
    const http = new Histogram({ ...HTTP_DURATION, labelNames: ['route', 'method', 'status'] as const, registers: [this.registry] });
    this.httpDuration = { observe: (route, method, status, seconds) => http.observe({ route, method, status: String(status) }, seconds) };
    // CacheService keeps its own counters: read them at scrape time rather than instrument it.
    const counters = () => cache?.counters ?? { hits: 0, misses: 0, errors: 0 };
    for (const [name, key] of [['hits', 'hits'], ['misses', 'misses'], ['errors', 'errors']] as const) {
      new Counter({
        name: `cache_${name}_total`,
        help: `Cache ${name} since start`,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(counters()[key]);
        },
      });
    }
    if (sizes) this.storageGauges(sizes);
    const live = () => this.websocketClients();
    new Gauge({
      name: 'websocket_clients',
      help: 'Live-feed WebSocket clients connected now',
      registers: [this.registry],
      collect() {
        this.set(live());
      },
    });
  }

  /** Table and database sizes, read from PostgreSQL at scrape time (at most every TABLE_SIZES_TTL_MS). */
  private storageGauges(sizes: TableSizes): void {
    // One reading per scrape serves both gauges; a database that does not answer leaves them as they were.
    const reading = () => sizes.read().catch(() => null);
    new Gauge({
      name: 'pg_table_size_bytes',
      help: 'Size of each of the service\'s tables with its TOAST and indexes (pg_total_relation_size), bytes',
      labelNames: ['table'] as const,
      registers: [this.registry],
      async collect() {
        const read = await reading();
        if (!read) return;
        this.reset();
        for (const { table, bytes } of read.tables) this.set({ table }, bytes);
      },
    });
    new Gauge({
      name: 'pg_database_size_bytes',
      help: 'Size of the service\'s database (pg_database_size), bytes',
      registers: [this.registry],
      async collect() {
        const read = await reading();
        if (read) this.set(read.database);
      },
    });
  }

  /** The live feed says how many clients it has (it depends on the runs module, which reports here). */
  readWebsocketClients(read: () => number): void {
    this.websocketClients = read;
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe(route, method, status, seconds);
  }

  /**
   * Replaces prom-client's histogram of HTTP durations with one `make` builds from its name, help
   * and buckets, which prom-client's registry formats the same way (before the first request).
   */
  useHttpHistogram(make: (name: string, help: string, buckets: readonly number[]) => HttpDurationHistogram): void {
    this.registry.removeSingleMetric(HTTP_DURATION.name);
    const histogram = make(HTTP_DURATION.name, HTTP_DURATION.help, HTTP_DURATION.buckets);
    // Not one of prom-client's classes, but what its registry asks of a metric.
    this.registry.registerMetric(histogram as unknown as Histogram);
    this.httpDuration = histogram;
  }

  /** Retention deleted `rows` rows of `table` (for model_versions: cleared that many forests). */
  pruned(table: string, rows: number): void {
    if (rows > 0) this.prunedRows.inc({ table }, rows);
  }

  /** The hooks a run of this kind calls (see RunExecution). */
  forRun(kind: string): RunMetricsSink {
    // Label children resolved once: taskProcessed runs for every task of a batch run.
    const tasks = this.tasksProcessed.labels({ kind });
    const flushDuration = this.flushDuration.labels({ kind });
    const flushRows = this.flushRows.labels({ kind });
    const retrain = this.retrainDuration.labels({ kind });
    return {
      taskProcessed: () => tasks.inc(),
      flushed: (ms, rows) => {
        flushDuration.observe(ms / 1000);
        flushRows.observe(rows);
      },
      retrained: (ms) => retrain.observe(ms / 1000),
    };
  }

  /** Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
