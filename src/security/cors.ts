import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

type Hook = (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * @fastify/cors on every route, at preHandler, with one shortcut: a request without an Origin
 * header (a probe, curl, a script or a server; never a browser's cross-origin request) gets the
 * `Vary: Origin` the plugin would give it and nothing else, without the plugin's per-request
 * option merging (a tenth of a /health answer's CPU). Preflights and every request with an Origin
 * go through the plugin as before.
 *
 * Registered on the root context (not a child one), as Nest's `enableCors` does it, so that hooks
 * added after it (the answer shortcut) run after it.
 */
export function registerCors(fastify: FastifyInstance, options: Omit<FastifyCorsOptions, 'hook'>): void {
  const plugin = (instance: FastifyInstance, _opts: unknown, done: (err?: Error) => void) => {
    // The plugin adds its hook to the instance it is given: hand it one whose addHook wraps that hook.
    const wrapping = new Proxy(instance, {
      get(target, prop) {
        if (prop === 'addHook') {
          return (name: 'preHandler', hook: Hook) => target.addHook(name, name === 'preHandler' ? skipWithoutOrigin(hook) : hook);
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    fastifyCors(wrapping, { ...options, hook: 'preHandler' }, done);
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'cors' });
  void fastify.register(plugin);
}

function skipWithoutOrigin(hook: Hook): Hook {
  return function (request, reply, done) {
    if (request.headers.origin === undefined && request.method !== 'OPTIONS' && !reply.hasHeader('vary')) {
      void reply.header('vary', 'Origin');
      done();
      return;
    }
    hook.call(this, request, reply, done);
  };
}
