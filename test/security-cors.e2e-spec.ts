import { createDatabase, dropDatabase } from './support/database.js';
import { call } from './support/http-call.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('CORS', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('security_cors');
    sut = await startTestApp(databaseUrl);
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  const dashboard = 'http://localhost:3000';

  it('answers the CORS_ORIGINS origins, errors included, and grants nothing to another origin', async () => {
    for (const path of ['/api/simulation/status', '/api/tasks/999999999']) {
      const res = await call(`${sut.url}${path}`, { headers: { origin: dashboard } });
      expect(res.headers.get('access-control-allow-origin')).toBe(dashboard);
      expect(res.headers.get('vary')).toMatch(/Origin/);
    }
    const foreign = await call(`${sut.url}/api/simulation/status`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('tells caches a request without Origin was answered for no origin: Vary: Origin, once, and no grant', async () => {
    for (const path of ['/health', '/api/simulation/status', '/api/tasks/999999999', '/no/such/route']) {
      const res = await call(`${sut.url}${path}`);
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    // A bare OPTIONS still reaches the plugin, which answers it as a preflight (not strict).
    const bare = await call(`${sut.url}/api/history`, { method: 'OPTIONS' });
    expect(bare.status).toBe(204);
    expect(bare.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, DELETE');
  });

  it('answers a preflight for every method the API uses, with the API key header', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await call(`${sut.url}/api/history`, {
        method: 'OPTIONS',
        headers: { origin: dashboard, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,x-api-key' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(dashboard);
      expect(res.headers.get('access-control-allow-methods')?.split(/, */)).toContain(method);
      expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
    }
  });
});
