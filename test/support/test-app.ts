import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.setup.js';
import { validateEnv } from '../../src/config/env.schema.js';
import { fastPathSwitch } from './child-app.js';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** The real app, in process, on a random port, against the given database (and Redis when set). */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  // HTTP_FAST_PATH from the runner's environment: `npm run test:e2e:no-fast-path` runs suites with it off.
  const config = validateEnv({ SIM_AUTOSTART: 'false', LOG_LEVEL: 'silent', ...fastPathSwitch(), ...env, DATABASE_URL: databaseUrl });
  const app = await createApp({ env: config, databaseUrl });
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
