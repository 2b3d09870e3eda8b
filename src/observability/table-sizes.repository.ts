import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { one, rows } from '../database/sql.js';

/** How long one reading of the sizes serves scrapes (each reading is a catalogue query). */
export const TABLE_SIZES_TTL_MS = 10_000;

export interface StorageSizes {
  /** Per table of the service's schema, pg_total_relation_size: heap, TOAST and indexes, bytes. */
  tables: { table: string; bytes: number }[];
  /** pg_database_size of the service's database, bytes. */
  database: number;
}

/**
 * The on-disk size of the service's tables, for /metrics; read at most once per
 * TABLE_SIZES_TTL_MS (concurrent scrapes share a reading). Every table of the schema is listed, so
 * a table a migration adds shows up with no change here.
 */
@Injectable()
export class TableSizes {
  private last: { at: number; sizes: Promise<StorageSizes> } | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  read(now = Date.now()): Promise<StorageSizes> {
    if (this.last && now - this.last.at < TABLE_SIZES_TTL_MS) return this.last.sizes;
    const sizes = this.query();
    this.last = { at: now, sizes };
    // A failed reading is not kept: the next scrape asks again.
    sizes.catch(() => {
      if (this.last?.sizes === sizes) this.last = null;
    });
    return sizes;
  }

  private async query(): Promise<StorageSizes> {
    const tables = await rows<{ table: string; bytes: number }>(
      this.db,
      `SELECT c.relname AS table, pg_total_relation_size(c.oid) AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    );
    const database = (await one<{ bytes: number }>(this.db, 'SELECT pg_database_size(current_database()) AS bytes'))?.bytes ?? 0;
    return { tables, database };
  }
}
