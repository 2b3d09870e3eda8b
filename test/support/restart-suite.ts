import type { ChildApp } from './child-app.js';
import { createDatabase, dropDatabase } from './database.js';
import { freePort } from './ports.js';
import { ProgressReader } from './progress.js';

export interface RestartSuite {
  databaseUrl: string;
  port: number;
  base: string;
  progress: ProgressReader;
  /** The app process the suite started last: killed after the suite if it still runs. */
  app?: ChildApp;
}

/**
 * For a suite that starts, stops and restarts the built app itself: a scratch database, a free port
 * and a reader of committed progress, made before its tests and cleaned up after them. Fields are
 * filled in beforeAll: read them inside tests.
 */
export function restartSuite(name: string): RestartSuite {
  const suite = {} as RestartSuite;
  beforeAll(async () => {
    suite.databaseUrl = await createDatabase(name);
    suite.port = await freePort();
    suite.base = `http://127.0.0.1:${suite.port}`;
    suite.progress = await ProgressReader.open(suite.databaseUrl);
  });
  afterAll(async () => {
    if (suite.app && suite.app.child.exitCode === null) suite.app.child.kill('SIGKILL');
    await suite.progress?.close();
    await dropDatabase(suite.databaseUrl);
  }, 30_000);
  return suite;
}
