import { randomUUID } from 'node:crypto';
import { RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { AppModule, type AppOptions } from './app.module.js';
import { createValidationPipe } from './app.validation.js';
import { RunCacheService } from './cache/run-cache.service.js';
import { DASHBOARD_ROUTES, registerDashboard } from './dashboard/dashboard.route.js';
import { BODY_LIMIT_BYTES } from './common/body-limit.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { QueryPolicyInterceptor } from './common/query-policy.interceptor.js';
import { installContentTypePolicy, installMethodPolicy } from './common/route-policy.js';
import { RunScope } from './runs/run-scope.service.js';
import { documentLiveness } from './health/liveness.route.js';
import { installFastPath } from './http/fast-path/fast-path.js';
import { AppMetrics } from './observability/app-metrics.service.js';
import { installHttpMetrics } from './observability/http-metrics.hook.js';
import { createRootLogger, PinoNestLogger, RequestLogController } from './observability/logger.js';
import { RedisConnection } from './redis/redis.connection.js';
import { ApiKeyGuard } from './security/api-key.guard.js';
import { registerCors } from './security/cors.js';
import { registerRateLimit } from './security/rate-limit.js';
import { registerSecurityHeaders } from './security/security-headers.js';

// Routes outside /api: probes and Prometheus are where operators expect them.
const UNPREFIXED = [
  { path: 'ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

/**
 * Creates the app with everything main.ts and the tests share: adapter, JSON logs, security
 * headers, pipes, filter, metrics, docs. `logger` is the process's pino logger (made from LOG_LEVEL when absent).
 */
export async function createApp(options: AppOptions, logger: PinoLogger = createRootLogger(options.env.LOG_LEVEL)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Fastify logs through pino with the request id on every request's lines (reqId).
    loggerInstance: logger,
    logController: new RequestLogController(),
    trustProxy: options.env.TRUST_PROXY,
    // Errors Fastify meets before routing (a malformed %-escape in the path) answer in the one error shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.status(400).header('x-request-id', request.id).send({ statusCode: 400, error: 'Bad Request', message: [error.message], requestId: String(request.id) });
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Probes are polled constantly and answer machines, not browsers: no security headers for them.
  registerSecurityHeaders(fastify, ['/health', '/ready', '/metrics'], { docsPrefix: '/docs', dashboard: DASHBOARD_ROUTES });
  installHttpMetrics(fastify, app.get(AppMetrics));
  // Every answer names its request, so a client can quote it back.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // Trace uploads arrive as CSV text (text/csv only: a route says what it accepts, see @Consumes).
  fastify.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));
  // Before the routes are registered (app.init()): they install per-route and app-wide hooks.
  installContentTypePolicy(fastify);
  installMethodPolicy(fastify);
  // The service's front door: the dashboard (built by `npm run build`); the API's documentation is at /docs.
  registerDashboard(fastify);

  // The live feed (/ws) is plain WebSocket on Fastify's own HTTP server: one port for both.
  app.useWebSocketAdapter(new WsAdapter(app));
  app.setGlobalPrefix('api', { exclude: UNPREFIXED });
  app.useGlobalInterceptors(new QueryPolicyInterceptor());
  app.useGlobalFilters(new HttpExceptionFilter());
  // Per client, every route but the probes, in a preHandler after CORS's (an app-wide hook) and before
  // the answer shortcut's. Before CORS is registered: awaiting a registration loads every plugin queued
  // so far, and CORS's preflight route must be added later, once Nest's error handler is in place.
  await registerRateLimit(app, { limit: options.env.THROTTLE_LIMIT, windowS: options.env.THROTTLE_TTL_S, redis: app.get(RedisConnection).client });
  const origins = options.env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  // Not strict: a bare OPTIONS (no Origin) gets an empty 204 instead of the plugin's plain-text 400,
  // which is outside the one error shape; real preflights are answered the same either way.
  // At preHandler, not in Nest's onRequest hook (enableCors): there Nest also copies the headers to
  // the raw response on every request, for answers ended by Nest middleware, which this app has none of.
  registerCors(fastify, { origin: origins.includes('*') ? true : origins, strictPreflight: false, methods: ['GET', 'HEAD', 'POST', 'DELETE'] });
  // After CORS and the rate limit (both app-wide preHandlers): repeated cached reads are answered
  // before Nest's pipeline, and are counted by the rate limit like every request.
  // The speed work, one switch (HTTP_FAST_PATH); it also makes the validation pipe global.
  const scope = app.get(RunScope);
  installFastPath(app, {
    enabled: options.env.HTTP_FAST_PATH,
    validation: createValidationPipe(),
    metrics: app.get(AppMetrics),
    shortcut: {
      answers: app.get(RunCacheService),
      continuousRunId: () => scope.peekContinuous(),
      known: [ApiKeyGuard, QueryPolicyInterceptor, ValidationPipe],
    },
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Hybrid ML Scheduler').setDescription('Where should a compute task run: CPU, GPU, or split?').setVersion('0.1.0').build(),
  );
  documentLiveness(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
