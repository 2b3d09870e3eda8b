import { startTestApp, type RegisteredRoute, type TestApp } from './test-app.js';

export type { RegisteredRoute } from './test-app.js';

// Fastify answers HEAD for every GET and OPTIONS for CORS preflight by itself; the docs serve themselves.
export const IMPLICIT_METHODS = new Set(['HEAD', 'OPTIONS']);
export const isDocsRoute = (url: string): boolean => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-') || url === '/docs*';

/** startTestApp with the route table recorded (useTestApp's `{ routes: true }` does the same for a suite). */
export async function startAppWithRoutes(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp(databaseUrl, env, { routes: true });
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
