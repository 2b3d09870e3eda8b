import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** With the fast path on: filled by routePattern() on first use, null until then. Absent otherwise. */
    matchedRoute?: string | null;
  }
}

/** Gives every request the slot routePattern() memoizes in, so that requests keep one shape. */
export function decorateRoutePattern(fastify: FastifyInstance): void {
  fastify.decorateRequest('matchedRoute', null);
}

/**
 * The route pattern the request matched ('/api/tasks/:id'); '' when none did. Fastify's
 * `request.routeOptions` builds a new 13-field object on every read; with the fast path on, the
 * hooks that need the pattern (security headers, rate limit, request metrics, the request log)
 * share one read.
 */
export function routePattern(request: FastifyRequest): string {
  if (request.matchedRoute === undefined) return request.routeOptions?.url ?? '';
  return (request.matchedRoute ??= request.routeOptions?.url ?? '');
}
