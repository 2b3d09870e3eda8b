import { randomUUID } from 'node:crypto';
import { RequestMethod, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppOptions } from './app.module.js';
import { createValidationPipe } from './app.validation.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import type { LogLevel } from './config/env.schema.js';

export const BODY_LIMIT_BYTES = 20 * 1024 * 1024;
// Routes outside /api: probes (and, later, Prometheus) are where operators expect them.
const UNPREFIXED = [
  { path: 'health', method: RequestMethod.GET },
  { path: 'ready', method: RequestMethod.GET },
];

const NEST_LEVELS: Record<LogLevel, NestLogLevel[] | false> = {
  silent: false,
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Creates the app with everything main.ts and the tests share: adapter, pipes, filter, docs. */
export async function createApp(options: AppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    logger: NEST_LEVELS[options.env.LOG_LEVEL],
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Every answer names its request, so a client can quote it back.
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Trace uploads arrive as CSV text.
  fastify.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  // The live feed (/ws) is plain WebSocket on Fastify's own HTTP server: one port for both.
  app.useWebSocketAdapter(new WsAdapter(app));
  app.setGlobalPrefix('api', { exclude: UNPREFIXED });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  const origins = options.env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.includes('*') ? true : origins });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Hybrid ML Scheduler').setDescription('Where should a compute task run: CPU, GPU, or split?').setVersion('0.1.0').build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
