import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { RetainedRange } from './retained-range.js';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * The envelope of every list: a page of items and the cursor of the next page (null at the end);
 * lists of a run's raw rows (tasks, results, training data) also say which of them are retained.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  retained?: RetainedRange | null;
}

/** `?limit=` (1..1000, default 100), for every read that returns at most that many rows. */
export class LimitQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Most items to return, items' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}

/** `?limit=&cursor=`, shared by every list endpoint. */
export class PageQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s nextCursor.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by this API' })
  cursor?: string;
}

export type KeyPart = number | string;
export type KeyShape = readonly ('int' | 'string')[];

const BAD_CURSOR = 'cursor must be a cursor returned by this API';

/** The one cursor codec: the last row's sort key (one part or several), base64url-encoded so clients treat it as opaque. */
export function encodeKeyCursor(key: readonly KeyPart[]): string {
  return Buffer.from(`c:${JSON.stringify(key)}`, 'utf8').toString('base64url');
}

/**
 * The key inside a composite cursor, checked against the shape the endpoint sorts by; a cursor
 * that is not one of ours (or belongs to another endpoint) is a 400, never a silent restart.
 */
export function decodeKeyCursor<K extends KeyPart[]>(cursor: string | undefined, shape: KeyShape): K | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  let key: unknown;
  try {
    key = text.startsWith('c:') ? JSON.parse(text.slice(2)) : undefined;
  } catch {
    key = undefined;
  }
  const fits =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((part, i) => (shape[i] === 'int' ? Number.isSafeInteger(part) : typeof part === 'string' && part.length <= 64));
  if (!fits) throw new BadRequestException([BAD_CURSOR]);
  return key as K;
}

/** Builds the envelope from limit + 1 fetched rows (the extra row only says whether more exist), ordered by `keyOf`. */
export function toKeyPage<T>(rows: T[], limit: number, keyOf: (row: T) => KeyPart[]): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length > 0 ? encodeKeyCursor(keyOf(items[items.length - 1])) : null };
}
