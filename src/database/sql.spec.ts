import { DataSource } from 'typeorm';
import { affected, execute, one, rows, Where, type Queryable } from './sql.js';

// A database that answers every statement with `answer`, and records what it was asked.
function fakeDb(answer: unknown): Queryable & { calls: [string, unknown[] | undefined][] } {
  const calls: [string, unknown[] | undefined][] = [];
  return { calls, query: async (text, params) => (calls.push([text, params]), answer) };
}

describe('sql', () => {
  describe(rows.name, () => {
    it('answers the rows of a SELECT, passing the numbered parameters through', async () => {
      const db = fakeDb([{ id: 1 }, { id: 2 }]);
      await expect(rows(db, 'SELECT id FROM t WHERE a = $1', [7])).resolves.toEqual([{ id: 1 }, { id: 2 }]);
      expect(db.calls).toEqual([['SELECT id FROM t WHERE a = $1', [7]]]);
    });

    it('answers the rows of an UPDATE … RETURNING, not TypeORM\'s [rows, count] pair', async () => {
      await expect(rows(fakeDb([[{ id: 3 }], 1]), 'UPDATE t SET a = 1 RETURNING id')).resolves.toEqual([{ id: 3 }]);
    });

    it('rejects an answer that is not rows', async () => {
      await expect(rows(fakeDb({ rowCount: 1 }), 'SELECT 1')).rejects.toThrow('Unexpected answer to SELECT 1');
    });
  });

  describe(one.name, () => {
    it('answers the first row, or undefined when there is none', async () => {
      await expect(one(fakeDb([{ id: 1 }, { id: 2 }]), 'SELECT id FROM t')).resolves.toEqual({ id: 1 });
      await expect(one(fakeDb([]), 'SELECT id FROM t')).resolves.toBeUndefined();
    });
  });

  describe(affected.name, () => {
    it('answers the count of an UPDATE or DELETE', async () => {
      await expect(affected(fakeDb([[], 4]), 'DELETE FROM t')).resolves.toBe(4);
      await expect(affected(fakeDb([[], 0]), 'UPDATE t SET a = 1')).resolves.toBe(0);
    });

    it('refuses a statement TypeORM answers without a count', async () => {
      await expect(affected(fakeDb([]), 'INSERT INTO t VALUES (1)')).rejects.toThrow('affected() needs an UPDATE or DELETE');
    });
  });

  describe(Where.name, () => {
    it('numbers the values of each condition in order, and binds more after them', () => {
      const sut = new Where().and('a = ?', 1).and('(b, c) > (?, ?)', 2, 'x');
      expect(sut.bind(20)).toBe('$4');
      expect(String(sut)).toBe('WHERE a = $1 AND (b, c) > ($2, $3)');
      expect(sut.params).toEqual([1, 2, 'x', 20]);
    });

    it('is empty without a condition', () => {
      expect(`${new Where()}`).toBe('');
    });

    it('refuses a condition whose ? and values do not match', () => {
      expect(() => new Where().and('a = ? AND b = ?', 1)).toThrow('more ? than values');
      expect(() => new Where().and('a = ?', 1, 2)).toThrow('more values than ?');
    });
  });

  // The claims about TypeORM's answers and pg's type parsing, against a real PostgreSQL.
  const url = process.env.DATABASE_URL;
  (url || process.env.CI ? describe : describe.skip)('against PostgreSQL', () => {
    let db: DataSource;
    beforeAll(async () => {
      if (!url) throw new Error('DATABASE_URL must be set under CI');
      // One connection, so that the temporary table is seen by every statement.
      db = await new DataSource({ type: 'postgres', url, extra: { max: 1 } }).initialize();
      await execute(db, 'CREATE TEMP TABLE sql_spec (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), x float8)');
    });
    afterAll(() => db?.destroy());
    beforeEach(() => execute(db, `TRUNCATE sql_spec; INSERT INTO sql_spec (id, x) VALUES (1, 0.5), (2, 1.5), (3, NULL)`));

    it('parses bigint and count(*) to numbers and timestamptz to Date', async () => {
      const row = await one<{ id: unknown; at: unknown; n: unknown }>(db, 'SELECT id, at, (SELECT count(*) FROM sql_spec) AS n FROM sql_spec WHERE id = $1', [2]);
      expect(row).toEqual({ id: 2, at: expect.any(Date), n: 3 });
    });

    it('counts the rows an UPDATE and a DELETE touched', async () => {
      await expect(affected(db, 'UPDATE sql_spec SET x = 0 WHERE id >= $1', [2])).resolves.toBe(2);
      await expect(affected(db, 'DELETE FROM sql_spec WHERE id = $1', [9])).resolves.toBe(0);
    });

    it('answers the rows of an UPDATE … RETURNING', async () => {
      await expect(rows(db, 'UPDATE sql_spec SET x = 7 WHERE id = $1 RETURNING id, x', [1])).resolves.toEqual([{ id: 1, x: 7 }]);
    });

    it('runs the same way in a transaction and on a query runner', async () => {
      await db.transaction(async (m) => {
        await expect(affected(m, 'DELETE FROM sql_spec WHERE id = $1', [3])).resolves.toBe(1);
      });
      const runner = db.createQueryRunner();
      try {
        await expect(rows(runner, 'SELECT id FROM sql_spec ORDER BY id')).resolves.toEqual([{ id: 1 }, { id: 2 }]);
      } finally {
        await runner.release();
      }
    });
  });
});
