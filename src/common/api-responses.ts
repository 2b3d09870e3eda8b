import { applyDecorators, type Type } from '@nestjs/common';
import { RetainedRange } from './retained-range.js';
import { ApiBadRequestResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** The one error shape every route answers with (see HttpExceptionFilter). */
export class ErrorResponse {
  @ApiProperty({ example: 400, description: 'HTTP status code (unitless)' }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({
    type: [String],
    description: 'What went wrong, one line per problem; a validation error has one line per bad field (its first failed constraint)',
    example: ['limit must not be greater than 1000'],
  })
  message: string[];
  @ApiProperty({ description: 'The request id (x-request-id), to quote back', example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })
  requestId: string;
}

/** The `:id` path parameter, named for what it identifies. */
export const ApiIdParam = (what: string) => ApiParam({ name: 'id', type: 'integer', description: `${what} id` });

/** 400 (validation) in the error shape. */
export const ApiBadRequest = () => ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid query, path or body: one message per field' });
/** 404 (unknown id) in the error shape. */
export const ApiNotFound = (what = 'The resource') => ApiNotFoundResponse({ type: ErrorResponse, description: `${what} does not exist` });

/**
 * 200 with `{ items: Model[], nextCursor }`, plus the 400 every list can answer; with `retained`,
 * a list of a run's raw rows, which also answers `retained` (RetainedRange).
 */
export function ApiPageResponse(model: Type<unknown>, description?: string, options: { retained?: boolean } = {}) {
  const retained = {
    allOf: [{ $ref: getSchemaPath(RetainedRange) }],
    nullable: true,
    description: "Which of the run's rows are still stored (its older rows may have been pruned); null when the list is not of one run (no runId)",
  };
  return applyDecorators(
    ApiExtraModels(model, RetainedRange),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor', ...(options.retained ? ['retained'] : [])],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(model) } },
          nextCursor: { type: 'string', nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' },
          ...(options.retained ? { retained } : {}),
        },
      },
    }),
    ApiBadRequest(),
  );
}
