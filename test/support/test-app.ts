import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.setup.js';
import { validateEnv } from '../../src/config/env.schema.js';
import { ROOT } from './child-app.js';

// Worker threads run JavaScript: an app run from its TypeScript sources fits with the built worker (npm test builds first).
export const BUILT_FOREST_FIT_WORKER = path.join(ROOT, 'dist/runs/fitting/forest-fit.worker.js');

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** The real app, in process, on a random port, against the given database (and Redis when set). */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const config = validateEnv({ SIM_AUTOSTART: 'false', LOG_LEVEL: 'silent', ...env, DATABASE_URL: databaseUrl });
  const app = await createApp({ env: config, databaseUrl, forestFitWorker: BUILT_FOREST_FIT_WORKER });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** GET with timing: the status, the JSON body and how long it took. */
export async function timedGet(url: string): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body: unknown = await res.json().catch(() => undefined);
  return { status: res.status, body, ms: performance.now() - started };
}
