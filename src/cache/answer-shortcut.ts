import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { RunScope } from '../runs/run-scope.service.js';
import type { AnswerOrigin, RunCacheService } from './run-cache.service.js';
import { isShared } from './shared-answer.js';

// Reads whose answer is the run cache's, as it is, and depends on the query string alone.
const ROUTES = new Set(['/api/metrics/leaderboard', '/api/metrics/windows', '/api/results/comparative', '/api/training/stats', '/api/training/model']);
// Distinct URLs remembered, the most recently used first.
const URLS = 1000;

interface Remembered {
  // The read the URL's answer came from (the answer itself stays in the run cache's bounded memory).
  origin: AnswerOrigin;
  // No runId in the query: the answer is the continuous run's.
  continuous: boolean;
}

export interface ShortcutDependencies {
  cache: RunCacheService;
  scope: RunScope;
}

/**
 * Answers repeated cached reads before Nest's pipeline (router, guards, pipes, handler), which
 * costs more CPU than the rest of such a request. The first read of a URL goes the whole way; when
 * the run cache keeps its answer, the exact URL is remembered with the read that answer came from.
 * A repeat of that URL gets the run cache's answer to that read here when the cache can give it
 * without I/O (see RunCacheService.current) and, for a read without runId, the continuous run is
 * still the same one. The rate limiter's preHandler runs before this one: the request is counted
 * like any other, and one over the limit is answered 429 there and never gets here.
 *
 * Its hooks run after CORS's and the rate limiter's (at preHandler), so its answers carry the same
 * headers as Nest's.
 * Installed before the app's routes are registered (app.init()).
 */
export function installAnswerShortcut(fastify: FastifyInstance, deps: ShortcutDependencies): void {
  const remembered = new LRUCache<string, Remembered>({ max: URLS });

  const remember = (request: FastifyRequest, reply: FastifyReply, payload: unknown): void => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || !isShared(payload)) return;
    const origin = deps.cache.originOf(payload);
    if (!origin || remembered.peek(request.url)?.origin === origin) return;
    remembered.set(request.url, { origin, continuous: (request.query as Record<string, unknown> | undefined)?.runId === undefined });
  };

  // Synchronous, no promise made.
  const answer = (request: FastifyRequest, reply: FastifyReply, next: (error?: Error) => void): void => {
    const entry = request.method === 'GET' ? remembered.get(request.url) : undefined;
    const found = entry && (!entry.continuous || deps.scope.peekContinuous() === entry.origin.runId) ? deps.cache.current(entry.origin) : undefined;
    if (found === undefined) return next();
    void reply.code(200).type('application/json; charset=utf-8').send(found);
  };

  const rememberHook = (request: FastifyRequest, reply: FastifyReply, payload: unknown, next: (error: null, payload: unknown) => void): void => {
    remember(request, reply, payload);
    next(null, payload);
  };
  // On the routes of these reads only, as their own hooks, which run after the app-wide ones
  // (CORS's preHandler included): every other request goes by without them.
  fastify.addHook('onRoute', (route) => {
    if (!ROUTES.has(route.url) || ![route.method].flat().includes('GET')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), answer];
    route.preSerialization = [...[route.preSerialization ?? []].flat(), rememberHook];
  });
}
