import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { affected, execute, one, rows } from '../database/sql.js';

export interface StoredExperiment {
  id: number;
  name: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  seeds: number[];
  createdAt: Date;
}

export interface StoredExperimentRun {
  cell: number;
  seed: number;
  runId: number;
}

type Stored = Omit<StoredExperiment, 'grid'> & { grid: [string, unknown[]][] };
const withGrid = (row: Stored): StoredExperiment => ({ ...row, grid: Object.fromEntries(row.grid) });

const COLUMNS = `id, name, base, grid, seeds, created_at AS "createdAt"`;

/** The experiments module's tables: experiments and experiment_runs (the runs themselves are the runs module's). */
@Injectable()
export class ExperimentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(e: Omit<StoredExperiment, 'id' | 'createdAt'>): Promise<number> {
    const row = await one<{ id: number }>(this.db, `INSERT INTO experiments (name, base, grid, seeds) VALUES ($1, $2, $3, $4) RETURNING id`, [
      e.name,
      JSON.stringify(e.base),
      // As [setting, values] pairs: jsonb would reorder an object's keys, and the order fixes the cells'.
      JSON.stringify(Object.entries(e.grid)),
      JSON.stringify(e.seeds),
    ]);
    return row!.id;
  }

  addRun(experimentId: number, run: StoredExperimentRun): Promise<void> {
    return execute(this.db, `INSERT INTO experiment_runs (experiment_id, cell, seed, run_id) VALUES ($1, $2, $3, $4)`, [experimentId, run.cell, run.seed, run.runId]);
  }

  async find(id: number): Promise<StoredExperiment | undefined> {
    const row = await one<Stored>(this.db, `SELECT ${COLUMNS} FROM experiments WHERE id = $1`, [id]);
    return row && withGrid(row);
  }

  /** Newest first. */
  async list(limit: number): Promise<StoredExperiment[]> {
    return (await rows<Stored>(this.db, `SELECT ${COLUMNS} FROM experiments ORDER BY id DESC LIMIT $1`, [limit])).map(withGrid);
  }

  /** The experiment's runs that still exist, by cell then seed. */
  async runs(experimentId: number): Promise<StoredExperimentRun[]> {
    const found = await rows<{ cell: number; seed: string; runId: number }>(
      this.db,
      `SELECT cell, seed, run_id AS "runId" FROM experiment_runs WHERE experiment_id = $1 ORDER BY cell, seed`,
      [experimentId],
    );
    return found.map((r) => ({ cell: r.cell, seed: Number(r.seed), runId: r.runId }));
  }

  async delete(id: number): Promise<boolean> {
    return (await affected(this.db, `DELETE FROM experiments WHERE id = $1`, [id])) > 0;
  }
}
