import { createDatabase, dropDatabase } from './support/database.js';
import { call } from './support/http-call.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('security headers (helmet)', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('security_headers');
    sut = await startTestApp(databaseUrl);
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('serves /docs 200 with the security headers, and the Swagger UI assets it loads', async () => {
    const page = await call(`${sut.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=/);
    // Every script the page loads comes from /docs itself, so script-src 'self' lets it run.
    const scripts = [...String(page.body).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src.startsWith('http')).toBe(false);
      const asset = await call(new URL(src, `${sut.url}/docs`).toString());
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
    }
    const init = await call(`${sut.url}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(init.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("sets an API's headers on API answers, errors and unknown routes included: nothing loads or frames them", async () => {
    for (const path of ['/api/tasks/999999999', '/api/simulation/status', '/api/no-such-route']) {
      const res = await call(`${sut.url}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      // helmet's page-only headers are left off JSON.
      expect(res.headers.get('origin-agent-cluster')).toBeNull();
    }
  });
});
