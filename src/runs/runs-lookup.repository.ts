import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SimulationRun } from './simulation-run.entity.js';

/** Read-only look-ups of runs for the read APIs (the simulation module owns the writes). */
@Injectable()
export class RunsLookupRepository {
  constructor(@InjectRepository(SimulationRun) private readonly runs: Repository<SimulationRun>) {}

  async exists(id: number): Promise<boolean> {
    return (await this.runs.createQueryBuilder('r').select('r.id').where('r.id = :id', { id }).getRawOne()) !== undefined;
  }

  /** The id of the latest run of kind 'continuous', if any. */
  async latestContinuousId(): Promise<number | undefined> {
    const row = await this.runs
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where("r.kind = 'continuous'")
      .orderBy('r.id', 'DESC')
      .limit(1)
      .getRawOne<{ id: number }>();
    return row?.id;
  }
}
