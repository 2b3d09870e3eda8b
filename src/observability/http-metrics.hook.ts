import type { FastifyInstance } from 'fastify';
import { routePattern } from '../http/fast-path/route-pattern.js';
import type { AppMetrics } from './app-metrics.service.js';

/** Times every answered request into http_request_duration_seconds, labelled by route pattern, never the raw URL. */
export function installHttpMetrics(fastify: FastifyInstance, metrics: AppMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    // Unmatched URLs share one label: a scanner must not mint a time series per path.
    const route = routePattern(request) || 'unmatched';
    metrics.observeHttp(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
