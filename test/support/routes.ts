import { createApp } from '../../src/app.setup.js';
import { validateEnv } from '../../src/config/env.schema.js';
import { BUILT_FOREST_FIT_WORKER, type TestApp } from './test-app.js';

export interface RegisteredRoute {
  method: string;
  url: string;
}

// Fastify answers HEAD for every GET and OPTIONS for CORS preflight by itself; the docs serve themselves.
export const IMPLICIT_METHODS = new Set(['HEAD', 'OPTIONS']);
export const isDocsRoute = (url: string): boolean => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-') || url === '/docs*';

/** Like startTestApp, and records every route Fastify is given (the app's route table). */
export async function startAppWithRoutes(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp & { routes: RegisteredRoute[] }> {
  const config = validateEnv({ SIM_AUTOSTART: 'false', LOG_LEVEL: 'silent', ...env, DATABASE_URL: databaseUrl });
  const app = await createApp({ env: config, databaseUrl, forestFitWorker: BUILT_FOREST_FIT_WORKER });
  const routes: RegisteredRoute[] = [];
  // Nest registers the controllers' routes when the app initialises: record every one.
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, routes, close: () => app.close() };
}

/** The application's own routes (no implicit HEAD/OPTIONS, no docs, no WebSocket), deduplicated. */
export function applicationRoutes(routes: RegisteredRoute[]): RegisteredRoute[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (IMPLICIT_METHODS.has(r.method) || isDocsRoute(r.url) || r.url === '/ws' || r.url === '*' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
