import { RouteConfig } from '@nestjs/platform-fastify';

/** The key of the route config the decorator sets; the shortcut finds it on the Fastify route it registers. */
export const FAST_PATH_ANSWER = 'fastPathAnswer';

/** What the decorator leaves in the route's Fastify config: the handler's controller and method, for the install's checks. */
export interface FastPathAnswerTarget {
  controller: abstract new (...args: never[]) => unknown;
  method: string | symbol;
  handler: (...args: never[]) => unknown;
}

/**
 * Marks a GET handler whose answer is the run cache's, as it is, and depends on the query string
 * alone: with the fast path on, a repeat of a URL it answered may be answered before Nest's
 * pipeline (see installAnswerShortcut). The route's guards, interceptors and pipes are checked when
 * it is registered; one the shortcut does not know keeps the route out of it.
 *
 * It passes through Fastify's route config (Nest's @RouteConfig), so it cannot be combined with
 * another @RouteConfig on the same handler.
 */
export function FastPathAnswer(): MethodDecorator {
  return (target, method, descriptor) => {
    const handler = descriptor.value as unknown as FastPathAnswerTarget['handler'];
    const answer: FastPathAnswerTarget = { controller: target.constructor as FastPathAnswerTarget['controller'], method, handler };
    RouteConfig({ [FAST_PATH_ANSWER]: answer })(target, method, descriptor);
  };
}
