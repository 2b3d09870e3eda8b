// int8 (bigint ids, count(*)) parses to a number wherever SQL runs through here.
import './column-types.js';

/**
 * How every repository talks to PostgreSQL: raw SQL through these few functions.
 *
 * - Parameters are numbered (`$1`, `$2`, …); values never go into the text. `Where` numbers the
 *   conditions a filter adds.
 * - Columns are snake_case; when the API wants camelCase, the SQL aliases them
 *   (`run_id AS "runId"`), so rows come back in the shape their callers use, with no mapping code.
 * - pg parses the types: timestamptz to Date, integer, float8 and int8 (see column-types.ts) to
 *   number, jsonb to values. numeric stays a string: cast it (`avg(x)::float8`) when a number is wanted.
 *
 * `db` is anything with TypeORM's `query(text, params)`: the DataSource, a transaction's
 * EntityManager or a QueryRunner.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** The rows a statement answers (SELECT, or INSERT/UPDATE/DELETE … RETURNING). */
export async function rows<T>(db: Queryable, text: string, params?: readonly unknown[]): Promise<T[]> {
  return unwrap<T>(await db.query(text, params ? [...params] : undefined), text).rows;
}

/** The first row a statement answers; undefined when there is none. */
export async function one<T>(db: Queryable, text: string, params?: readonly unknown[]): Promise<T | undefined> {
  return (await rows<T>(db, text, params))[0];
}

/** How many rows an UPDATE or DELETE touched (TypeORM answers only those two with a count). */
export async function affected(db: Queryable, text: string, params?: readonly unknown[]): Promise<number> {
  const { count } = unwrap(await db.query(text, params ? [...params] : undefined), text);
  if (count === undefined) throw new Error(`affected() needs an UPDATE or DELETE: ${firstLine(text)}`);
  return count;
}

/** Runs a statement whose answer is not needed (INSERT, LOCK, BEGIN, SET …). */
export async function execute(db: Queryable, text: string, params?: readonly unknown[]): Promise<void> {
  await db.query(text, params ? [...params] : undefined);
}

/**
 * AND-ed conditions with numbered parameters, for queries whose filters are optional:
 * `new Where().and('t.size >= ?', min)` binds `min` as the next `$n`. Each `?` in a condition
 * takes the next value (so a condition must not use `?` otherwise, e.g. the jsonb operator).
 */
export class Where {
  private readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  and(condition: string, ...values: unknown[]): this {
    let next = 0;
    const sql = condition.replace(/\?/g, () => {
      if (next >= values.length) throw new Error(`Where.and: more ? than values in ${condition}`);
      return this.bind(values[next++]);
    });
    if (next !== values.length) throw new Error(`Where.and: more values than ? in ${condition}`);
    this.conditions.push(sql);
    return this;
  }

  /** Binds one more value (a LIMIT, say) and answers its placeholder. */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** `WHERE a AND b`, or nothing when no condition was added. */
  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

// TypeORM's PostgreSQL driver answers UPDATE and DELETE (with or without RETURNING) with
// [rows, affected], and every other statement with its rows. Rows are objects, never arrays,
// so the pair cannot be mistaken for a result set.
function unwrap<T>(raw: unknown, text: string): { rows: T[]; count?: number } {
  if (Array.isArray(raw)) {
    if (raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return { rows: raw[0] as T[], count: raw[1] };
    return { rows: raw as T[] };
  }
  throw new Error(`Unexpected answer to ${firstLine(text)}: expected rows`);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0].slice(0, 80);
}
