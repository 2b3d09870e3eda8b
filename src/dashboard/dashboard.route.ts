import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Where `npm run build` puts the dashboard (scripts/build-web.mjs): the project's dist/public, found
 * the same way from src/ (tests) and from dist/ (the built service).
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dist/public', import.meta.url));

/** The dashboard's routes, as route patterns (the security headers give them the dashboard's CSP). */
export const DASHBOARD_ROUTES = ['/', '/assets/*'] as const;

const NOT_BUILT = 'The dashboard is not built: run `npm run build`. The API docs are at /docs.';

/**
 * The dashboard at `/`: one HTML page (never cached, so a new build shows at once) and its assets under
 * /assets/, named by content hash and cached for a year, served gzip-compressed when the browser takes it.
 */
export function registerDashboard(fastify: FastifyInstance, dir: string = DASHBOARD_DIR): void {
  const index = `${dir}/index.html`;
  const html = existsSync(index) ? readFileSync(index) : null;
  fastify.get('/', (_request, reply) => {
    if (html === null) return reply.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
  if (html === null) return;
  void fastify.register(fastifyStatic, {
    root: `${dir}/assets`,
    prefix: '/assets/',
    preCompressed: true,
    maxAge: '365d',
    immutable: true,
    index: false,
    list: false,
  });
}
