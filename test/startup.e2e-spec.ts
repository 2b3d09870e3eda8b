import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, spawnApp, waitFor200 } from './support/child-app.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { freePort } from './support/ports.js';

describe('start-up and shutdown of the built service', () => {
  it('refuses to start on a bad environment value, naming the variable and what it must be', async () => {
    const app = spawnApp({ PORT: 'abc', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('Invalid environment: PORT=abc: must be an integer 1-65535');
  });

  it('names every bad variable at once', async () => {
    const app = spawnApp({ PORT: '70000', SIM_AUTOSTART: 'maybe', REDIS_URL: 'http://x' });
    expect(await app.exited).toBe(1);
    const out = app.output();
    expect(out).toContain('PORT=70000: must be an integer 1-65535');
    expect(out).toContain('SIM_AUTOSTART=maybe: must be true or false');
    expect(out).toContain('REDIS_URL=http://x: must be a redis:// URL');
  });

  it('refuses to start in production without DATABASE_URL, before starting any embedded PostgreSQL', async () => {
    const app = spawnApp({ NODE_ENV: 'production', API_KEY: 'k', EMBEDDED_PG_DIR: '.data/pg-e2e-production', EMBEDDED_PG_PORT: '15435' });
    try {
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain(
        'Invalid environment: DATABASE_URL: must be set when NODE_ENV=production (the embedded PostgreSQL is for development and tests)',
      );
      expect(existsSync(path.join(ROOT, '.data/pg-e2e-production'))).toBe(false);
    } finally {
      app.child.kill('SIGKILL');
    }
  }, 30_000);

  it('applies migrations at start, serves, and on SIGTERM turns unready and exits 0', async () => {
    const databaseUrl = await createDatabase('startup');
    const port = await freePort();
    const app = spawnApp({ DATABASE_URL: databaseUrl, PORT: String(port) });
    try {
      await waitFor200(`http://127.0.0.1:${port}/ready`, app, 20_000);
      app.child.kill('SIGTERM');
      const started = Date.now();
      expect(await app.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      app.child.kill('SIGKILL');
      await dropDatabase(databaseUrl);
    }
  });

  it('boots on the embedded PostgreSQL default when DATABASE_URL is unset, and answers /ready', async () => {
    const port = await freePort();
    const app = spawnApp({ PORT: String(port), EMBEDDED_PG_DIR: '.data/pg-e2e', EMBEDDED_PG_PORT: '15434' });
    try {
      await waitFor200(`http://127.0.0.1:${port}/ready`, app, 60_000);
      const body = (await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { details: Record<string, { status: string }> };
      expect(body.details.database.status).toBe('up');
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
    }
  }, 90_000);
});
