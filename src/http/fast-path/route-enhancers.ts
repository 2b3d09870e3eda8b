import { GUARDS_METADATA, HEADERS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE, type ModulesContainer } from '@nestjs/core';
import type { FastPathAnswerTarget } from './fast-path-answer.decorator.js';

// A guard, interceptor or pipe as Nest's metadata holds it: its class, or an instance.
type Enhancer = object;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a class, whatever its constructor
export type EnhancerClass = Function;

const classOf = (enhancer: Enhancer): EnhancerClass => (typeof enhancer === 'function' ? enhancer : enhancer.constructor);
const list = (value: unknown): Enhancer[] => (Array.isArray(value) ? (value as Enhancer[]) : []);
const GLOBAL_TOKENS = [APP_GUARD, APP_INTERCEPTOR, APP_PIPE];

/**
 * The guards, interceptors and pipes Nest runs on the handler that are not `known`, by class name:
 * those of the handler and its controller (@UseGuards, @UseInterceptors, @UsePipes, and the pipes
 * of its parameters), and the global ones modules provide (APP_GUARD, APP_INTERCEPTOR, APP_PIPE).
 * A handler that sets response headers of its own (@Header) is reported too: a repeat answered
 * before Nest would not carry them. (Enhancers added with app.useGlobal* are not visible here:
 * the app passes those it adds as known.)
 */
export function unknownEnhancers(target: FastPathAnswerTarget, known: ReadonlySet<EnhancerClass>, modules: ModulesContainer): string[] {
  const { controller, method, handler } = target;
  const enhancers: Enhancer[] = [];
  for (const key of [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA]) {
    enhancers.push(...list(Reflect.getMetadata(key, controller)), ...list(Reflect.getMetadata(key, handler)));
  }
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { pipes?: unknown }>;
  for (const arg of Object.values(args)) enhancers.push(...list(arg.pipes));
  enhancers.push(...globalEnhancers(modules));
  const unknown = new Set(enhancers.map(classOf).filter((type) => !known.has(type)).map((type) => type.name || '(anonymous)'));
  if (list(Reflect.getMetadata(HEADERS_METADATA, handler)).length > 0) unknown.add('@Header()');
  return [...unknown];
}

/** The global guards, interceptors and pipes that modules provide, as instances (or classes, when request-scoped). */
function globalEnhancers(modules: ModulesContainer): Enhancer[] {
  const found: Enhancer[] = [];
  for (const module of modules.values()) {
    for (const [token, wrapper] of [...module.providers, ...module.injectables]) {
      // Nest registers each under a token of its own: `APP_GUARD (UUID: …)`.
      if (typeof token !== 'string' || !GLOBAL_TOKENS.some((prefix) => token.startsWith(prefix))) continue;
      const enhancer = (wrapper.instance as Enhancer | null | undefined) ?? wrapper.metatype;
      if (enhancer) found.push(enhancer);
    }
  }
  return found;
}
