import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Task } from '../../engine/index.js';
import { IngestRepository, type LabelledRow, type NewModelVersion } from '../../ingest/ingest.repository.js';
import { encodeBatch, type EncodedBatch } from '../../ingest/encoded-batch.js';
import { RunBatch } from '../../ingest/run-batch.js';
import { RunEvents } from '../run-events.js';
import { RunsRepository, type RunProgress, type StoredRun } from '../runs.repository.js';
import { FencedError, type Fence } from './fence.js';

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * What an executing run reads and writes: its rows through the write model (IngestRepository), its
 * progress and checkpoint in the same transaction through RunsRepository, and one "run data
 * changed" event after each commit.
 */
@Injectable()
export class RunStore {
  constructor(
    private readonly ingest: IngestRepository,
    private readonly runs: RunsRepository,
    private readonly events: RunEvents,
  ) {}

  /**
   * Writes a batch and the run's progress in one transaction. `previous` settles when the flush
   * before this one has committed: this one waits for it inside its transaction, after its rows
   * are in and before its progress is written, so progress commits in order. `fence`, when
   * given, runs there too: a process that lost the right to write the run commits nothing. A
   * RunBatch is encoded here, on the caller's thread; a run's worker thread sends it encoded.
   */
  async flush(runId: number, batch: RunBatch | EncodedBatch, progress: RunProgress, mayExist: boolean, previous: () => Promise<void> = async () => undefined, fence?: Fence): Promise<void> {
    const encoded = batch instanceof RunBatch ? encodeBatch(runId, batch) : batch;
    if (encoded.runId !== runId) throw new Error(`run ${runId}: a flush encoded for run ${encoded.runId}`);
    try {
      await this.ingest.flush(encoded, mayExist, async (m) => {
        await previous();
        await fence?.(m);
        await this.runs.writeProgress(m, runId, progress);
      });
    } catch (e) {
      // The rows go in before the fence is checked: for a deleted run they fail on its foreign key.
      if (fence && (e as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw new FencedError(runId, 'the run was deleted');
      throw e;
    }
    await this.events.dataChanged({ runId, change: 'written', kind: null });
  }

  claim(runId: number, token: string): Promise<boolean> {
    return this.runs.claim(runId, token);
  }

  assertExecutor(m: EntityManager, runId: number, token: string): Promise<void> {
    return this.runs.assertExecutor(m, runId, token);
  }

  load(runId: number): Promise<StoredRun | null> {
    return this.runs.load(runId);
  }

  loadTraceTasks(runId: number): Promise<Task[]> {
    return this.ingest.loadTraceTasks(runId);
  }

  trainingRowsUpTo(runId: number, taskId: number, limit: number, order: 'generated' | 'trace'): Promise<LabelledRow[]> {
    return this.ingest.trainingRowsUpTo(runId, taskId, limit, order);
  }

  async insertModelVersion(version: NewModelVersion): Promise<void> {
    try {
      await this.ingest.insertModelVersion(version);
    } catch (e) {
      // A deleted run's model has nowhere to go: its execution stops here, as at its next flush.
      if ((e as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw new FencedError(version.runId, 'the run was deleted');
      throw e;
    }
  }
}
