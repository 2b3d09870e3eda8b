import { BadRequestException, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { getMetadataStorage } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

const LENIENT_QUERY = 'query-policy:lenient';

/**
 * The routes of the replaced system (the legacy dashboard's) keep its leniency: unknown query
 * parameters are dropped, not rejected, because browsers add cache-busters such as `?t=<timestamp>`.
 */
export const LenientQuery = (): ClassDecorator & MethodDecorator => SetMetadata(LENIENT_QUERY, true);

interface QueryPolicy {
  /** The parameters the route declares (its @Query() class's validated properties); empty when it takes none. */
  known: ReadonlySet<string>;
  lenient: boolean;
}

/**
 * One query-string policy for every route, keyed by the query class the handler declares:
 * a parameter the class does not declare is a 400 naming it (a route without a query class declares
 * none), so a typo such as `?runid=2` never silently answers for another run. Routes marked
 * @LenientQuery() drop unknown parameters instead. Only /api routes are held to it; the probes,
 * /metrics and the docs ignore query strings.
 *
 * It runs after the guards (the rate limit counts the request first) and before the pipes, which
 * therefore see declared parameters only: the fast path's query memo is keyed by them, and
 * a URL the fast path's answer shortcut remembers has had the full path's 200.
 */
export class QueryPolicyInterceptor implements NestInterceptor {
  private readonly policies = new WeakMap<object, QueryPolicy>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || !request.url.startsWith('/api/')) return next.handle();
    let unknown: string[] | undefined;
    for (const key in query) {
      if (!Object.hasOwn(query, key)) continue;
      const policy = this.policyOf(context);
      if (policy.known.has(key)) continue;
      if (policy.lenient) delete query[key];
      else (unknown ??= []).push(key);
    }
    if (unknown) {
      const known = this.policyOf(context).known;
      const accepted = known.size === 0 ? 'this route takes no query parameters' : `this route takes ${[...known].sort().join(', ')}`;
      throw new BadRequestException(unknown.map((key) => `${key}: unknown query parameter (${accepted})`));
    }
    return next.handle();
  }

  private policyOf(context: ExecutionContext): QueryPolicy {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const controller = context.getClass();
      const lenient = Reflect.getMetadata(LENIENT_QUERY, handler) === true || Reflect.getMetadata(LENIENT_QUERY, controller) === true;
      policy = { known: declaredParameters(controller, handler.name), lenient };
      this.policies.set(handler, policy);
    }
    return policy;
  }
}

interface RouteArg {
  index: number;
  data?: unknown;
}

/** The query parameters a handler declares: its query class's (`@Query() q: SomeQuery`) and any named one (`@Query('x')`). */
function declaredParameters(controller: Type<unknown>, method: string): Set<string> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, RouteArg>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) ?? []) as Type<unknown>[];
  const known = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
    if (typeof arg.data === 'string') known.add(arg.data);
    else if (types[arg.index]) for (const name of validatedProperties(types[arg.index])) known.add(name);
  }
  return known;
}

/** The properties the validation pipe whitelists for a class: those with a class-validator decorator. */
function validatedProperties(type: Type<unknown>): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName));
}
