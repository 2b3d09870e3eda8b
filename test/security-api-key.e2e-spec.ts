import { ApiKeyGuard } from '../src/security/api-key.guard.js';
import { spawnApp } from './support/child-app.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { call, expectErrorShape, post } from './support/http-call.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_KEY = 'k3y-for-the-security-suite';

describe(ApiKeyGuard.name, () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('security_api_key');
    sut = await startTestApp(databaseUrl, { API_KEY });
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('answers 401 in the error shape on a POST without the key', async () => {
    const res = await post(`${sut.url}/api/simulation/stop`, { 'x-request-id': 'no-key-1' });
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 401, 'no-key-1');
    expect(res.body.error).toBe('Unauthorized');
  });

  it('answers 401 with a wrong key, of the same length or not', async () => {
    for (const key of ['x'.repeat(API_KEY.length), 'short', `${API_KEY}-and-more`]) {
      const res = await post(`${sut.url}/api/simulation/stop`, { 'x-api-key': key });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 401);
    }
    const del = await call(`${sut.url}/api/history`, { method: 'DELETE', headers: { 'x-api-key': 'wrong' } });
    expect(del.status).toBe(401);
  });

  it('lets a POST with the right key through', async () => {
    const res = await post(`${sut.url}/api/simulation/stop`, { 'x-api-key': API_KEY });
    expect(res.status).toBe(200);
  });

  it('needs no key for a GET', async () => {
    expect((await call(`${sut.url}/api/simulation/status`)).status).toBe(200);
    expect((await call(`${sut.url}/api/tasks`)).status).toBe(200);
  });

  it('refuses to start in production without API_KEY, saying why', async () => {
    const app = spawnApp({ NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('Invalid environment: API_KEY: must be set when NODE_ENV=production');
    // A whole node process starting: on a busy 2-core machine that alone has taken 9 s.
  }, 60_000);
});
