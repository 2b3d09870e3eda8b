import { startTestApp, timedGet, useTestApp } from './support/test-app.js';

/** Polls until check passes, returning how long it took; fails after timeoutMs. */
async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('health and readiness', () => {
  // The app reaches its database through a proxy this suite can cut.
  const sut = useTestApp('health', {}, { proxy: true });

  it('answers /health 200 without touching a dependency', async () => {
    const res = await timedGet(`${sut.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /ready 200 with the database up and migrated, reporting the cache', async () => {
    const res = await timedGet(`${sut.url}/ready`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, cache: { status: 'up', backend: 'memory' } } });
  });

  it('turns /ready 503 within 2 s when PostgreSQL goes away, keeps /health 200, and recovers without a restart', async () => {
    await sut.proxy.cut();
    const tookMs = await within(2000, async () => (await timedGet(`${sut.url}/ready`)).status === 503);
    expect(tookMs).toBeLessThan(2000);
    const down = await timedGet(`${sut.url}/ready`);
    expect(down.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: ['not ready: database'],
      requestId: expect.any(String),
      details: { database: { status: 'down' }, cache: { status: 'up' } },
    });
    expect((await timedGet(`${sut.url}/health`)).status).toBe(200);
    // What needs the database answers in the error shape, not with a hang.
    const list = await timedGet(`${sut.url}/api/tasks`);
    expect(list.status).toBe(503);
    expect(list.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', requestId: expect.any(String) });

    await sut.proxy.restore();
    await within(5000, async () => (await timedGet(`${sut.url}/ready`)).status === 200);
    expect((await timedGet(`${sut.url}/api/tasks`)).status).toBe(200);
  });

  it('drops readiness as soon as shutdown begins', async () => {
    const other = await startTestApp(sut.databaseUrl);
    const lifecycle = (await import('../src/health/lifecycle.service.js')).LifecycleService;
    other.app.get(lifecycle).onModuleDestroy();
    expect((await timedGet(`${other.url}/ready`)).status).toBe(503);
    expect((await timedGet(`${other.url}/health`)).status).toBe(200);
    await other.close();
  });
});
