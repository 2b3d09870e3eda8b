import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EngineError, TraceValidationError } from '../engine/index.js';

/**
 * The one place engine errors become HTTP answers: 400 in the common error shape, plus the
 * engine's stable `code` and, for a bad trace, every offending row.
 */
@Catch(EngineError)
export class EngineErrorFilter implements ExceptionFilter {
  catch(exception: EngineError, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const requestId = String(request.id);
    void reply
      .status(HttpStatus.BAD_REQUEST)
      .header('x-request-id', requestId)
      .send({
        statusCode: HttpStatus.BAD_REQUEST,
        error: 'Bad Request',
        message: [exception.message],
        requestId,
        code: exception.code,
        ...(exception instanceof TraceValidationError ? { errors: exception.errors } : {}),
      });
  }
}
