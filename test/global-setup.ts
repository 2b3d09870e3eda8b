import type * as Embedded from '../src/database/embedded-postgres.js';

// Ports of the embedded clusters sit below the ephemeral range, where test clients' sockets cannot take them.
// The e2e suites need a PostgreSQL server to create their own databases in: DATABASE_URL when it
// is set (CI), else the same embedded default the app uses, in its own folder and port.
export default async function globalSetup(): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    // Loaded by node outside jest's module system, so from the build (npm test builds first).
    const built: string = '../dist/database/embedded-postgres.js';
    const { startEmbeddedPostgres } = (await import(built)) as typeof Embedded;
    const db = await startEmbeddedPostgres('.data/pg-test', 15433);
    (globalThis as { embeddedTestDb?: { stop(): Promise<void> } }).embeddedTestDb = db;
    url = db.url;
  }
  process.env.TEST_SERVER_DATABASE_URL = url;
}
