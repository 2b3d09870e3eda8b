import type { PipeTransform } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpDurationHistogram } from '../../observability/app-metrics.service.js';
import { installAnswerShortcut, type AnswerOrigin, type ShortcutPorts } from './answer-shortcut.js';
import { serializeReply } from './reply-serializer.js';
import { QueryMemoPipe } from './query-memo.pipe.js';
import { RequestHistogram } from './request-histogram.js';
import { requestLogger } from './request-logger.js';
import { decorateRoutePattern } from './route-pattern.js';

export interface FastPathOptions<O extends AnswerOrigin> {
  /** HTTP_FAST_PATH: off, the app answers the same, through Nest and the libraries alone. */
  enabled: boolean;
  /** The app's validation pipe: made global here, behind the query memo when on. */
  validation: PipeTransform;
  /** Where the request-duration histogram is swapped for the fast path's. */
  metrics: { useHttpHistogram(make: (name: string, help: string, buckets: readonly number[]) => HttpDurationHistogram): void };
  /** The answer shortcut's ports (see installAnswerShortcut). */
  shortcut: Omit<ShortcutPorts<O>, 'modules'>;
}

/**
 * The HTTP fast paths (measured as a whole in docs/decisions/010-http-fast-path.md):
 * - the answer shortcut: repeated cached reads answered before Nest's pipeline (see installAnswerShortcut);
 * - shared answers serialised once, kept as bytes (see serializeReply);
 * - the query memo: a repeated query string validated once per query class (see QueryMemoPipe);
 * - the request-duration histogram observed through two small maps instead of prom-client's label hashing;
 * - request loggers that make their pino child on their first written line;
 * - the matched route pattern read once per request.
 * Off, none of it is installed: the same answers, headers and status codes, at Nest's and the libraries' cost.
 * Called once, after the app is created and before its routes are registered (app.init()).
 */
export function installFastPath<O extends AnswerOrigin>(app: NestFastifyApplication, options: FastPathOptions<O>): void {
  app.useGlobalPipes(options.enabled ? new QueryMemoPipe(options.validation) : options.validation);
  if (!options.enabled) return;
  const fastify = app.getHttpAdapter().getInstance();
  decorateRoutePattern(fastify);
  fastify.setChildLoggerFactory(requestLogger);
  // Its type says the serializer returns a string: a Buffer is sent as it is.
  fastify.setReplySerializer(serializeReply as (payload: unknown) => string);
  options.metrics.useHttpHistogram((name, help, buckets) => new RequestHistogram(name, help, buckets));
  installAnswerShortcut(fastify, { ...options.shortcut, modules: app.get(ModulesContainer) });
}
