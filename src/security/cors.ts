import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * @fastify/cors on every route, at preHandler. The plugin is wrapped in fastify-plugin, so its hook
 * lands on the root context, as Nest's `enableCors` puts it: routes' own hooks (the fast path's
 * answer shortcut) run after it.
 */
export function registerCors(fastify: FastifyInstance, options: Omit<FastifyCorsOptions, 'hook'>): void {
  void fastify.register(fastifyCors, { ...options, hook: 'preHandler' });
}
