import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { routePattern } from '../http/fast-path/route-pattern.js';

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
 * The dashboard's policy: everything from the service itself, nothing inline (no inline scripts or
 * styles; uPlot sets styles through the CSSOM, which CSP allows), the live feed from the same origin.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY: HelmetOptions['contentSecurityPolicy'] = {
  useDefaults: true,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    upgradeInsecureRequests: null,
  },
};

/**
 * For JSON answers, the headers OWASP's REST Security Cheat Sheet asks of an API: nothing may be
 * loaded or framed from them (the HTML-only headers of helmet's defaults add nothing to JSON).
 */
export const API_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * The headers helmet sets with these options. They depend on nothing in the request (no nonces),
 * so helmet runs once, against a response that records them.
 */
export function helmetHeaders(options: HelmetOptions = { contentSecurityPolicy: CONTENT_SECURITY_POLICY }): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => (failure = error));
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

export interface PageRoutes {
  /** The API docs (Swagger UI): helmet's defaults with a CSP that allows its inline styles. */
  docsPrefix: string;
  /** The dashboard's route patterns: helmet's defaults with the dashboard's strict CSP. */
  dashboard: readonly string[];
}

/**
 * Helmet's security headers on every answer but the probes': its defaults (with a page's CSP) on the
 * docs and the dashboard, the API set on everything else.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, skipRoutes: readonly string[], pages: PageRoutes): void {
  const docs = helmetHeaders();
  const dashboard = helmetHeaders({ contentSecurityPolicy: DASHBOARD_CONTENT_SECURITY_POLICY, frameguard: { action: 'deny' } });
  const api = helmetHeaders(API_HEADERS);
  const skip = new Set(skipRoutes);
  const dashboardRoutes = new Set(pages.dashboard);
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = routePattern(request);
    if (!skip.has(route)) void reply.headers(dashboardRoutes.has(route) ? dashboard : route.startsWith(pages.docsPrefix) ? docs : api);
    done();
  });
}
