import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMIT_BYTES } from './body-limit.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  /** One line per problem (per field for validation errors). */
  message: string[];
  requestId: string;
  /** Readiness only: every indicator's state. */
  details?: Record<string, unknown>;
}

interface HealthCheckFailure {
  status: 'error';
  error: Record<string, unknown>;
  details: Record<string, unknown>;
}

function isHealthCheckFailure(value: unknown): value is HealthCheckFailure {
  return typeof value === 'object' && value !== null && (value as HealthCheckFailure).status === 'error' && typeof (value as HealthCheckFailure).details === 'object';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The one place errors become HTTP answers: `{ statusCode, error, message, requestId }`, never a stack or SQL. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const body = this.toBody(exception, String(request.id));
    // Whichever layer refused the body (Fastify's parser or Nest's), the client learns the limit.
    if (body.statusCode === HttpStatus.PAYLOAD_TOO_LARGE) body.message = [`body exceeds the ${describeBytes(BODY_LIMIT_BYTES)} limit`];
    if (body.statusCode === HttpStatus.INTERNAL_SERVER_ERROR) {
      this.logger.error(`${request.method} ${request.url} → ${body.statusCode}`, exception instanceof Error ? exception.stack : String(exception));
    }
    void reply.status(body.statusCode).header('x-request-id', body.requestId).send(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      if (isHealthCheckFailure(response)) {
        const down = Object.keys(response.error).join(', ');
        return { statusCode, error: REASONS[statusCode] ?? 'Error', message: [`not ready: ${down}`], requestId, details: response.details };
      }
      const detail = typeof response === 'string' ? { message: response } : (response as { message?: string | string[]; error?: string });
      return {
        statusCode,
        error: detail.error ?? REASONS[statusCode] ?? 'Error',
        message: lines(detail.message ?? exception.message),
        requestId,
      };
    }
    // Fastify's own errors (bad JSON, body too large, unsupported type) carry a 4xx statusCode.
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, error: REASONS[status] ?? 'Error', message: [(exception as Error).message], requestId };
    }
    const mapped = mapDatabaseError(exception);
    if (mapped) return { statusCode: mapped.statusCode, error: REASONS[mapped.statusCode], message: [mapped.message], requestId };
    const statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode, error: REASONS[statusCode], message: ['Internal server error'], requestId };
  }
}

/** A message as the list of lines every error body carries. */
export const lines = (message: string | string[]): string[] => (Array.isArray(message) ? message : [message]);

/** 20971520 ⇒ "20 MB" (binary megabytes, as the limit is set). */
export function describeBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}

// Connection-level failures: the database is away, not the request wrong.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/;

/** PostgreSQL failures a client can cause or cannot help, as HTTP statuses; undefined for real bugs. */
function mapDatabaseError(exception: unknown): { statusCode: number; message: string } | undefined {
  const error = exception as { code?: unknown; driverError?: { code?: unknown }; message?: unknown };
  const code = String(error?.driverError?.code ?? error?.code ?? '');
  const message = typeof error?.message === 'string' ? error.message : '';
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_MESSAGE.test(message)) {
    return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: 'database unavailable, try again shortly' };
  }
  if (code === '23505') return { statusCode: HttpStatus.CONFLICT, message: 'already exists' };
  if (code === '22P02' || code === '22003' || code === '22007') return { statusCode: HttpStatus.BAD_REQUEST, message: 'a value is out of range or malformed' };
  return undefined;
}
