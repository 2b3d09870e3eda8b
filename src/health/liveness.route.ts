import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

export const LIVENESS_PATH = '/health';
const ALIVE = { status: 'ok' } as const;
const ALIVE_SCHEMA = { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } as const;
const SUMMARY = 'Liveness: the process answers. Touches no dependency.';

/**
 * GET /health, answered by Fastify itself: the liveness probe is polled constantly and depends on
 * nothing, so no guard, pipe or interceptor stands between it and its 200. The app-wide hooks
 * (request id, metrics, request log) still see it.
 */
@Injectable()
export class LivenessRoute implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // The CLI runs the same modules without an HTTP server.
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | null;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.get(LIVENESS_PATH, { schema: { response: { 200: ALIVE_SCHEMA } } }, (_request, reply) => {
      void reply.send(ALIVE);
    });
  }
}

/** Adds the route to the OpenAPI document, which only sees Nest's controllers. */
export function documentLiveness(document: OpenAPIObject): void {
  document.paths[LIVENESS_PATH] = {
    get: {
      operationId: 'HealthController_live',
      summary: SUMMARY,
      tags: ['health'],
      responses: { '200': { description: 'Alive', content: { 'application/json': { schema: ALIVE_SCHEMA as object } } } },
    },
  };
}
