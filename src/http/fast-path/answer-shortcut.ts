import { Logger } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { isShared } from '../../cache/shared-answer.js';
import { FAST_PATH_ANSWER, type FastPathAnswerTarget } from './fast-path-answer.decorator.js';
import { unknownEnhancers, type EnhancerClass } from './route-enhancers.js';

// Distinct URLs remembered, the most recently used first.
const URLS = 1000;

/** Where a cached answer came from, as the cache tells it: at least its run. */
export interface AnswerOrigin {
  readonly runId: number;
}

/** The port to the in-process read cache: what the shortcut asks of it, never with I/O. */
export interface CachedAnswers<O extends AnswerOrigin> {
  /** The read a kept answer came from; undefined for any other value. */
  originOf(answer: object): O | undefined;
  /** The answer a read through the cache would give now for that read, when known without I/O; else undefined. */
  current(origin: O): object | undefined;
}

/** What the shortcut is given at install. */
export interface ShortcutPorts<O extends AnswerOrigin> {
  answers: CachedAnswers<O>;
  /** The continuous run's id while it is known without I/O, else undefined (reads without runId are about it). */
  continuousRunId(): number | undefined;
  /**
   * Counts a request answered here against the rate limit: true (its headers set) when within it,
   * false to leave the request to Nest. Absent when the limiter counts every request by itself
   * before the shortcut's hook (an onRequest hook).
   */
  admit?(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean>;
  /**
   * Guards, interceptors and pipes a repeat may skip: the shortcut only answers a URL whose full-path
   * answer was a 200 from the cache, so those that are pure functions of the URL (validation, the query
   * policy), that let every GET through, or whose work admit does, change nothing on a repeat.
   */
  known: readonly EnhancerClass[];
  /** Nest's modules, where the global guards, interceptors and pipes are found. */
  modules: ModulesContainer;
}

interface Remembered<O> {
  // The read the URL's answer came from (the answer itself stays in the cache's bounded memory).
  origin: O;
  // No runId in the query: the answer is the continuous run's.
  continuous: boolean;
}

/**
 * Answers repeated cached reads before Nest's pipeline (router, guards, pipes, handler), which
 * costs more CPU than the rest of such a request. Only routes whose handler is marked
 * @FastPathAnswer() and has no guard, interceptor or pipe the shortcut does not know (checked as
 * each route is registered; a refused route is named in a warning at start-up and goes the whole
 * way). The first read of a URL goes the whole way; when the cache keeps its answer, the exact URL
 * is remembered with the read that answer came from. A repeat of that URL gets the cache's
 * answer to that read here when the cache can give it without I/O and, for a read without runId,
 * the continuous run is still the same one. It is counted by the rate limiter (admit) like any
 * request, and goes the whole way when it is over the limit, as everything else does.
 *
 * Its hooks are the route's own (at preHandler), so they run after the app-wide ones (CORS's
 * included) and its answers carry the same headers as Nest's. Installed before the app's routes
 * are registered (app.init()).
 */
export function installAnswerShortcut<O extends AnswerOrigin>(fastify: FastifyInstance, ports: ShortcutPorts<O>): void {
  const logger = new Logger('FastPath');
  const known = new Set(ports.known);
  const remembered = new LRUCache<string, Remembered<O>>({ max: URLS });

  const remember = (request: FastifyRequest, reply: FastifyReply, payload: unknown): void => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || !isShared(payload)) return;
    const origin = ports.answers.originOf(payload);
    if (!origin || remembered.peek(request.url)?.origin === origin) return;
    remembered.set(request.url, { origin, continuous: (request.query as Record<string, unknown> | undefined)?.runId === undefined });
  };

  // Synchronous, no promise made, unless counting the request takes a round trip to Redis.
  const answer = (request: FastifyRequest, reply: FastifyReply, next: (error?: Error) => void): void => {
    const entry = request.method === 'GET' ? remembered.get(request.url) : undefined;
    const found = entry && (!entry.continuous || ports.continuousRunId() === entry.origin.runId) ? ports.answers.current(entry.origin) : undefined;
    if (found === undefined) return next();
    const respond = (admitted: boolean) => (admitted ? void reply.code(200).type('application/json; charset=utf-8').send(found) : next());
    const admitted = ports.admit ? ports.admit(request, reply) : true;
    if (typeof admitted === 'boolean') respond(admitted);
    else admitted.then(respond, (error: Error) => next(error));
  };

  const rememberHook = (request: FastifyRequest, reply: FastifyReply, payload: unknown, next: (error: null, payload: unknown) => void): void => {
    remember(request, reply, payload);
    next(null, payload);
  };
  // On the marked routes only, as their own hooks: every other request goes by without them.
  fastify.addHook('onRoute', (route) => {
    const target = (route.config as Record<string, unknown> | undefined)?.[FAST_PATH_ANSWER] as FastPathAnswerTarget | undefined;
    if (!target || ![route.method].flat().includes('GET')) return;
    const unknown = unknownEnhancers(target, known, ports.modules);
    if (unknown.length > 0) {
      logger.warn(`${route.url} is not answered by the fast path: it does not know ${unknown.join(', ')}`);
      return;
    }
    route.preHandler = [...[route.preHandler ?? []].flat(), answer];
    route.preSerialization = [...[route.preSerialization ?? []].flat(), rememberHook];
  });
}
