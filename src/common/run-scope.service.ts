import { Injectable } from '@nestjs/common';
import { NotFound } from './app-errors.js';
import { RunsLookupRepository } from './runs-lookup.repository.js';

/** Which run a read is about: the one named, which must exist, or else the continuous run. */
@Injectable()
export class RunScope {
  constructor(private readonly runs: RunsLookupRepository) {}

  /** `runId` when given (not checked here: see assertExists), else the latest continuous run; 404 when there is none. */
  async resolve(runId: number | undefined): Promise<number> {
    if (runId !== undefined) return runId;
    const continuous = await this.runs.latestContinuousId();
    if (continuous === undefined) throw new NotFound('continuous run', '(none yet)');
    return continuous;
  }

  /** 404 when no run has this id. */
  async assertExists(runId: number): Promise<void> {
    if (!(await this.runs.exists(runId))) throw new NotFound('run', runId);
  }
}
