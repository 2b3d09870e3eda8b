import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ADVISORY_LOCK_NAMESPACE, AdvisoryLockKey } from '../src/database/advisory-locks.js';
import { ROOT, spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { createDatabase, dropDatabase, query } from './support/database.js';
import { freePort } from './support/ports.js';

const REPLICAS = 3;
const MIGRATION_FILES = readdirSync(path.join(ROOT, 'dist/migrations')).filter((f) => f.endsWith('.js'));

async function startReplicas(databaseUrl: string, count: number): Promise<{ apps: ChildApp[]; ports: number[] }> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  // Spawned in one go, so they reach their migration step at about the same moment. The last one
  // has a pool of one connection: the lock and the migrations must share it.
  const apps = ports.map((port, i) => spawnApp({ DATABASE_URL: databaseUrl, PORT: String(port), DB_POOL_SIZE: i === count - 1 ? '1' : '4' }));
  return { apps, ports };
}

async function stop(apps: ChildApp[]): Promise<void> {
  for (const app of apps) app.child.kill('SIGKILL');
  await Promise.all(apps.map((a) => a.exited));
}

/** Rows of the migrations table grouped by name, with how often each was recorded. */
async function appliedMigrations(url: string): Promise<{ name: string; times: number }[]> {
  return query<{ name: string; times: number }>(url, 'SELECT name, count(*)::int AS times FROM migrations GROUP BY name ORDER BY name');
}

describe('several replicas starting together on one empty database', () => {
  it('all become ready, and each migration is applied exactly once', async () => {
    const databaseUrl = await createDatabase('replicas');
    const { apps, ports } = await startReplicas(databaseUrl, REPLICAS);
    try {
      await Promise.all(apps.map((app, i) => waitFor200(`http://127.0.0.1:${ports[i]}/ready`, app, 60_000)));
      const applied = await appliedMigrations(databaseUrl);
      expect(applied).toHaveLength(MIGRATION_FILES.length);
      expect(applied.every((m) => m.times === 1)).toBe(true);
      for (const app of apps) expect(app.output()).not.toMatch(/duplicate key|failed/);
    } finally {
      await stop(apps);
      await dropDatabase(databaseUrl);
    }
  }, 90_000);

  it('while another process holds the migration lock they all wait; released, one migrates and all become ready', async () => {
    const databaseUrl = await createDatabase('replicas_wait');
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    const keys = [ADVISORY_LOCK_NAMESPACE, AdvisoryLockKey.migrations];
    await holder.query('SELECT pg_advisory_lock($1, $2)', keys);
    const { apps, ports } = await startReplicas(databaseUrl, REPLICAS);
    try {
      // Each app's session shows up in pg_locks as waiting for the same lock (objid is the second key).
      const waiting = async () =>
        (
          await holder.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            keys,
          )
        ).rows[0].n;
      const started = Date.now();
      while ((await waiting()) < REPLICAS) {
        const exited = apps.find((a) => a.child.exitCode !== null);
        if (exited) throw new Error(`an app exited with ${exited.child.exitCode}:\n${exited.output()}`);
        if (Date.now() - started > 30_000) throw new Error(`the apps did not all wait for the migration lock:\n${apps.map((a) => a.output()).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // While they wait nothing is migrated, and no app answers yet.
      const tables = await holder.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'migrations'");
      expect(tables.rowCount).toBe(0);
      for (const port of ports) expect(await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status, () => 'refused')).toBe('refused');

      // Released at once, all three compete for it.
      await holder.query('SELECT pg_advisory_unlock($1, $2)', keys);
      await Promise.all(apps.map((app, i) => waitFor200(`http://127.0.0.1:${ports[i]}/ready`, app, 60_000)));
      const applied = await appliedMigrations(databaseUrl);
      expect(applied).toHaveLength(MIGRATION_FILES.length);
      expect(applied.every((m) => m.times === 1)).toBe(true);
      for (const app of apps) {
        expect(app.output()).toContain('Another process is applying migrations');
        expect(app.output()).not.toMatch(/duplicate key|failed/);
      }
      // The lock is let go once migrations are done: the test's session can take it again at once.
      const again = await holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', keys);
      expect(again.rows[0].ok).toBe(true);
    } finally {
      await holder.end();
      await stop(apps);
      await dropDatabase(databaseUrl);
    }
  }, 90_000);
});
