/**
 * The PostgreSQL advisory locks this service takes, in the two-key form
 * `pg_advisory_lock(namespace int4, key int4)`: the namespace keeps them apart from any other
 * application's locks in the same database, and each purpose has a key of its own, never reused.
 */
export const ADVISORY_LOCK_NAMESPACE = 0x484d_4c53; // 'HMLS'

export const AdvisoryLockKey = {
  /** Held while migrations are applied or reverted: one process migrates, the others wait. */
  migrations: 1,
  /** Held by the replica that leads the continuous run, on a connection of its own (runs/leadership). */
  continuousLeader: 2,
} as const;
