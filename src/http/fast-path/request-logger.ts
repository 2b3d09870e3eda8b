import type { FastifyBaseLogger } from 'fastify';
import { pino, type Bindings, type ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger (`request.log`, `reply.log`): the parent's child with the request id bound,
 * made when the request first writes a line at a level its parent writes. Fastify makes that child
 * for every request, and pino's child costs an object, its formatters and a JSON.stringify of the
 * bindings: a few percent of a cached read's CPU, for requests that mostly write nothing (probes,
 * and every success when LOG_LEVEL is above info).
 */
class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  fatal(...args: Parameters<FastifyBaseLogger['fatal']>): void {
    this.write('fatal', args);
  }

  error(...args: Parameters<FastifyBaseLogger['error']>): void {
    this.write('error', args);
  }

  warn(...args: Parameters<FastifyBaseLogger['warn']>): void {
    this.write('warn', args);
  }

  info(...args: Parameters<FastifyBaseLogger['info']>): void {
    this.write('info', args);
  }

  debug(...args: Parameters<FastifyBaseLogger['debug']>): void {
    this.write('debug', args);
  }

  trace(...args: Parameters<FastifyBaseLogger['trace']>): void {
    this.write('trace', args);
  }

  silent(): void {}

  private write(level: Level, args: Parameters<FastifyBaseLogger['info']>): void {
    const threshold = pino.levels.values[(this.made ?? this.parent).level] ?? Infinity;
    if (pino.levels.values[level] >= threshold) this.logger[level](...args);
  }
}

/**
 * Fastify's `childLoggerFactory`: a request logger that makes its pino child on first use. A child
 * with options of its own (a route's log level or serializers) is made at once, as Fastify would.
 */
export function requestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions = {}): FastifyBaseLogger {
  return Object.keys(options).length > 0 ? parent.child(bindings, options) : new RequestLogger(parent, bindings);
}
