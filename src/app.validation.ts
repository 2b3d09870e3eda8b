import { BadRequestException, ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { LRUCache } from 'lru-cache';

// What a value is comes before what it is worth: when a field fails both (`?runId=abc` fails isInt, min
// and max), the line says the former. The order decorators run in depends on how they were applied.
const KIND_CONSTRAINTS = ['whitelistValidation', 'isDefined', 'isArray', 'isObject', 'isString', 'isBoolean', 'isInt', 'isNumber', 'isIn', 'isEnum'];

function firstFailed(constraints: Record<string, string>): string | undefined {
  const kind = KIND_CONSTRAINTS.find((name) => name in constraints);
  return kind ? constraints[kind] : Object.values(constraints)[0];
}

// One line per field: its first failed constraint.
function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const message = firstFailed(e.constraints ?? {});
    const own = message === undefined ? [] : [message.startsWith(e.property) ? `${path}${message.slice(e.property.length)}` : `${path}: ${message}`];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

// Distinct query strings remembered per query class, the most recently used ones, and the longest
// one remembered (a real query string is far shorter; a longer one is validated every time).
const QUERIES_PER_CLASS = 1000;
const MAX_QUERY_KEY = 1024;

const isFlatQuery = (value: unknown): value is Record<string, string | string[]> =>
  typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')));

/**
 * ValidationPipe that remembers what each query string of a query class converted to. Validation
 * is a pure function of the class and the raw strings, and a read API sees the same few query
 * strings again and again: a repeat costs a copy instead of class-transformer and class-validator.
 * Rejections are not remembered; bodies and path parameters always take the full path.
 */
class QueryMemoValidationPipe extends ValidationPipe {
  private readonly memo = new Map<Type<unknown>, LRUCache<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (metadata.type !== 'query' || !type || !isFlatQuery(value)) return super.transform(value, metadata);
    let byQuery = this.memo.get(type);
    if (!byQuery) {
      byQuery = new LRUCache({ max: QUERIES_PER_CLASS });
      this.memo.set(type, byQuery);
    }
    const key = JSON.stringify(value);
    if (key.length > MAX_QUERY_KEY) return super.transform(value, metadata);
    let converted = byQuery.get(key);
    if (!converted) {
      converted = (await super.transform(value, metadata)) as object;
      byQuery.set(key, converted);
    }
    // A copy per request: no handler can change what the next one gets.
    return Object.assign(Object.create(Object.getPrototypeOf(converted) as object) as object, converted);
  }
}

/** The validation every query and body goes through: unknown fields rejected, values converted, 400 with one line per bad field. */
export function createValidationPipe(): ValidationPipe {
  return new QueryMemoValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException(flatten(errors)),
  });
}
