import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

// Swagger UI at /docs loads its scripts from /docs itself but styles itself inline; images include data: URIs.
// No upgrade-insecure-requests: the service is reached over plain HTTP inside the cluster.
export const CONTENT_SECURITY_POLICY: HelmetOptions['contentSecurityPolicy'] = {
  useDefaults: true,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    upgradeInsecureRequests: null,
  },
};

/**
 * Helmet's security headers on every answer but the probes'. The middleware is built once: the
 * Fastify plugin rebuilt it, directives parsing included, on every request.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, skipRoutes: readonly string[]): void {
  const apply = helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY });
  const skip = new Set(skipRoutes);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (skip.has(request.routeOptions.url ?? '')) return done();
    apply(request.raw, reply.raw, () => done());
  });
}
