import { LOCK_DURATION_MS, MAX_STALLED_COUNT, queuePrefix, runJobId, runJobOptions, STALLED_INTERVAL_MS, workerOptions } from './queue-settings.js';
import { hasWorkLeft } from './run-jobs.js';

describe('run queue settings', () => {
  describe(runJobId.name, () => {
    it('derives one job id per run, never integer-looking and without ":" (BullMQ refuses both)', () => {
      expect(runJobId(7)).toBe('run-7');
      expect(runJobId(7)).toBe(runJobId(7));
      expect(runJobId(7)).not.toBe(runJobId(70));
      expect(runJobId(12345)).not.toMatch(/^\d+$|:/);
    });

    it('gives every job of a run the same id, so queueing it again while it exists adds nothing', () => {
      expect(runJobOptions(3)).toMatchObject({ jobId: 'run-3', removeOnComplete: true, removeOnFail: true });
    });
  });

  describe(queuePrefix.name, () => {
    it('takes SIM_QUEUE_PREFIX when it is set', () => {
      expect(queuePrefix('scheduler-prod', 'postgres://u@db:5432/app')).toBe('scheduler-prod');
    });

    it('derives the prefix from the database name alone, so every replica of one database agrees whatever host name it uses', () => {
      expect(queuePrefix('', 'postgres://u:p@db.internal:5432/app')).toBe('hms-app');
      expect(queuePrefix('', 'postgresql://u@10.0.0.5/app?sslmode=require')).toBe('hms-app');
      expect(queuePrefix('', 'postgres://u@db/other')).not.toBe(queuePrefix('', 'postgres://u@db/app'));
    });

    it('keeps the prefix to safe characters', () => {
      expect(queuePrefix('', 'postgres://u@db/my%20db:x')).toBe('hms-my_db_x');
      expect(queuePrefix('', 'postgres://u@db')).toBe('hms-postgres');
    });
  });

  describe(workerOptions.name, () => {
    it('takes the concurrency given, with the lock and stalled-check settings of the decision record', () => {
      expect(workerOptions(3, 'host:1')).toEqual({
        name: 'host:1',
        concurrency: 3,
        lockDuration: LOCK_DURATION_MS,
        stalledInterval: STALLED_INTERVAL_MS,
        maxStalledCount: MAX_STALLED_COUNT,
      });
    });

    it("hands a dead worker's job on within 15 s: the lock expires within one lock duration, then one stalled check", () => {
      expect(LOCK_DURATION_MS + STALLED_INTERVAL_MS).toBeLessThanOrEqual(15_000);
      // The lock is renewed every half lock duration: a live worker keeps it with room to spare.
      expect(STALLED_INTERVAL_MS).toBeLessThanOrEqual(LOCK_DURATION_MS);
    });

    it.each([0, -1, 1.5])('refuses concurrency %p', (n) => {
      expect(() => workerOptions(n, 'x')).toThrow('worker concurrency must be a positive integer');
    });
  });

  describe(hasWorkLeft.name, () => {
    it.each(['queued', 'running', 'paused'] as const)('executes a run that is %s', (status) => {
      expect(hasWorkLeft(status)).toBe(true);
    });

    it.each(['completed', 'failed', 'stopped'] as const)('skips a run that is %s', (status) => {
      expect(hasWorkLeft(status)).toBe(false);
    });

    it('skips a run that no longer exists', () => {
      expect(hasWorkLeft(undefined)).toBe(false);
    });
  });
});
