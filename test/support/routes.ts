import { startTestApp, type RegisteredRoute, type TestApp } from './test-app.js';

export type { RegisteredRoute } from './test-app.js';

// Fastify answers HEAD for every GET and OPTIONS for CORS preflight by itself; the docs serve themselves.
export const IMPLICIT_METHODS = new Set(['HEAD', 'OPTIONS']);
export const isDocsRoute = (url: string): boolean => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-') || url === '/docs*';
/** The pages: the API docs and the dashboard (`/` and its assets), none of them in the OpenAPI document. */
export const isPageRoute = (url: string): boolean => isDocsRoute(url) || url === '/' || url.startsWith('/assets/');

/** startTestApp with the route table recorded (useTestApp's `{ routes: true }` does the same for a suite). */
export async function startAppWithRoutes(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp(databaseUrl, env, { routes: true });
}

/** The application's own routes (no implicit HEAD/OPTIONS, no pages, no WebSocket), deduplicated. */
export function applicationRoutes(routes: RegisteredRoute[]): RegisteredRoute[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (IMPLICIT_METHODS.has(r.method) || isPageRoute(r.url) || r.url === '/ws' || r.url === '*' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
