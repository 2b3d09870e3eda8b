import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routePattern } from '../http/fast-path/route-pattern.js';

/** What a route with a body accepts when it does not say: JSON. */
const JSON_ONLY = ['application/json'] as const;

interface ConsumesConfig {
  consumes?: readonly string[];
}

/**
 * The body types a route accepts, for OpenAPI and for the 415 check alike. A route that does
 * not use it accepts application/json only.
 */
export const Consumes = (...types: string[]): MethodDecorator => applyDecorators(ApiConsumes(...types), RouteConfig({ consumes: types }));

function sendError(request: FastifyRequest, reply: FastifyReply, statusCode: 405 | 415, message: string): void {
  const error = statusCode === 405 ? 'Method Not Allowed' : 'Unsupported Media Type';
  void reply.code(statusCode).type('application/json; charset=utf-8').send({ statusCode, error, message: [message], requestId: String(request.id) });
}

const hasBody = (request: FastifyRequest): boolean =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/**
 * 415 for a body whose type the route does not accept, before anything reads it (no parser runs,
 * so a form is never taken for JSON with its text as a field name). text/plain gets a hint, since
 * it is what some tools send a CSV file as.
 */
export function installContentTypePolicy(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE')) return;
    const accepted = (route.config as ConsumesConfig | undefined)?.consumes ?? JSON_ONLY;
    const hint = accepted.join(' or ');
    const check = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      if (!hasBody(request)) return done();
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (accepted.includes(type)) return done();
      const csvHint = type === 'text/plain' && accepted.includes('text/csv') ? ' (a CSV trace goes as text/csv)' : '';
      sendError(request, reply, 415, `content type ${type === '' ? '(none)' : type} is not accepted here: send ${hint}${csvHint}`);
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), check];
  });
}

/**
 * 405 with `Allow` for a method a path is not served with. Fastify finds routes per method, so
 * `PUT /api/tasks` finds nothing (404) and `GET /api/tasks/placement` finds `GET /api/tasks/:id`;
 * both are the path of a route with other methods. Paths no route has stay 404.
 */
export function installMethodPolicy(fastify: FastifyInstance): void {
  // Exact paths of routes without parameters, and patterns of those with, each with its methods.
  const exact = new Map<string, Set<string>>();
  const patterns: { pattern: RegExp; methods: Set<string> }[] = [];
  const parametric = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((m) => m !== 'OPTIONS');
    if (methods.length === 0 || route.url === '*') return;
    if (!/[:*]/.test(route.url)) {
      const known = exact.get(route.url) ?? new Set();
      for (const m of methods) known.add(m);
      exact.set(route.url, known);
      return;
    }
    const source = route.url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')))
      .join('/');
    patterns.push({ pattern: new RegExp(`^${source}$`), methods: new Set(methods) });
    parametric.add(route.url);
  });

  const allowed = (path: string): Set<string> => {
    const methods = new Set(exact.get(path));
    for (const { pattern, methods: these } of patterns) if (pattern.test(path)) for (const m of these) methods.add(m);
    return methods;
  };

  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS') return done();
    const matched = routePattern(request);
    if (matched !== '' && !parametric.has(matched)) return done();
    const path = request.url.split('?')[0];
    let allow: Set<string> | undefined;
    if (matched === '') {
      allow = allowed(path);
    } else {
      // A parameter matched a path another method serves as it is (GET /api/tasks/placement).
      const own = exact.get(path);
      if (own && !own.has(request.method)) allow = own;
    }
    if (!allow || allow.size === 0 || allow.has(request.method)) return done();
    const list = [...allow].sort().join(', ');
    void reply.header('allow', list);
    sendError(request, reply, 405, `${request.method} is not served on ${path}: use ${list}`);
  });
}
