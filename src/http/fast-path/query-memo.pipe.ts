import type { ArgumentMetadata, PipeTransform, Type } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

// Distinct query strings remembered per query class, the most recently used ones, and the longest
// one remembered (a real query string is far shorter; a longer one is validated every time).
const QUERIES_PER_CLASS = 1000;
const MAX_QUERY_KEY = 1024;

const isFlatQuery = (value: unknown): value is Record<string, string | string[]> =>
  typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')));

/**
 * The app's validation pipe, remembering what each query string of a query class converted to.
 * Validation is a pure function of the class and the raw strings, and a read API sees the same few
 * query strings again and again: a repeat costs a copy instead of class-transformer and
 * class-validator. Rejections are not remembered; bodies and path parameters always go to the pipe.
 */
export class QueryMemoPipe implements PipeTransform {
  private readonly memo = new Map<Type<unknown>, LRUCache<string, object>>();

  constructor(readonly validation: PipeTransform) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (metadata.type !== 'query' || !type || !isFlatQuery(value)) return this.validation.transform(value, metadata);
    const key = JSON.stringify(value);
    if (key.length > MAX_QUERY_KEY) return this.validation.transform(value, metadata);
    let byQuery = this.memo.get(type);
    if (!byQuery) {
      byQuery = new LRUCache({ max: QUERIES_PER_CLASS });
      this.memo.set(type, byQuery);
    }
    let converted = byQuery.get(key);
    if (!converted) {
      converted = (await this.validation.transform(value, metadata)) as object;
      byQuery.set(key, converted);
    }
    // A copy per request: no handler can change what the next one gets.
    return Object.assign(Object.create(Object.getPrototypeOf(converted) as object) as object, converted);
  }
}
