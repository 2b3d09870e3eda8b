import { WebSocket } from 'ws';
import { CacheService } from '../src/cache/cache.service.js';
import { AppMetrics } from '../src/observability/app-metrics.service.js';
import { spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { freePort } from './support/ports.js';
import { useTestApp } from './support/test-app.js';

/** Polls until check passes; fails after timeoutMs. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe(AppMetrics.name, () => {
  // The continuous run at full speed, flushing often and retraining every 50 tasks.
  const sut = useTestApp('observability', { SIM_AUTOSTART: 'true', SIM_TICK_MS: '0', SIM_FLUSH_MS: '50', SIM_RETRAIN_INTERVAL: '50', SIM_RETRAIN_LAG: '10' });

  const scrape = async () => {
    const res = await fetch(`${sut.url}/metrics`);
    expect(res.status).toBe(200);
    return { contentType: res.headers.get('content-type'), text: await res.text() };
  };
  const sample = async (name: string) => parse((await scrape()).text).get(name) ?? 0;

  it('serves Prometheus text at /metrics (outside /api) with the default process metrics', async () => {
    const { contentType, text } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect((await fetch(`${sut.url}/api/metrics`)).status).toBe(404);
  });

  it('counts the continuous run: tasks processed, flushes (duration and rows) and retrains', async () => {
    await until(async () => {
      const s = parse((await scrape()).text);
      return (
        (s.get('simulation_tasks_processed_total{kind="continuous"}') ?? 0) >= 100 &&
        (s.get('simulation_flush_duration_seconds_count{kind="continuous"}') ?? 0) >= 2 &&
        (s.get('simulation_retrain_duration_seconds_count{kind="continuous"}') ?? 0) >= 1
      );
    }, 'continuous run metrics');
    const stop = await fetch(`${sut.url}/api/simulation/stop`, { method: 'POST' });
    expect(stop.status).toBe(200);

    const s = parse((await scrape()).text);
    const flushes = s.get('simulation_flush_duration_seconds_count{kind="continuous"}')!;
    expect(s.get('simulation_flush_duration_seconds_sum{kind="continuous"}')).toBeGreaterThan(0);
    expect(s.get('simulation_flush_rows_count{kind="continuous"}')).toBe(flushes);
    // Each task writes a task row, 7 results and a training sample: at least 9 rows per task flushed.
    expect(s.get('simulation_flush_rows_sum{kind="continuous"}')).toBeGreaterThanOrEqual(9 * 100);
    expect(s.get('simulation_flush_duration_seconds_bucket{le="+Inf",kind="continuous"}')).toBe(flushes);
    expect(s.get('simulation_retrain_duration_seconds_sum{kind="continuous"}')).toBeGreaterThan(0);
    // Stopped: the counter no longer moves.
    const processed = s.get('simulation_tasks_processed_total{kind="continuous"}')!;
    expect(await sample('simulation_tasks_processed_total{kind="continuous"}')).toBe(processed);
  });

  it('times HTTP requests by route pattern, method and status, never by raw URL', async () => {
    for (const id of [987654, 987655]) expect((await fetch(`${sut.url}/api/tasks/${id}`)).status).toBe(404);
    expect((await fetch(`${sut.url}/health`)).status).toBe(200);
    expect((await fetch(`${sut.url}/no/such/path`)).status).toBe(404);
    const { text } = await scrape();
    const s = parse(text);
    expect(s.get('http_request_duration_seconds_count{route="/api/tasks/:id",method="GET",status="404"}')).toBe(2);
    expect(s.get('http_request_duration_seconds_count{route="/health",method="GET",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(s.get('http_request_duration_seconds_count{route="/api/simulation/stop",method="POST",status="200"}')).toBe(1);
    expect(s.get('http_request_duration_seconds_count{route="unmatched",method="GET",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('987654');
    expect(text).not.toContain('/no/such/path');
  });

  it('reports the cache counters and the WebSocket clients at scrape time', async () => {
    const cache = sut.app.get(CacheService);
    await cache.get('observability:absent');
    await cache.set('observability:present', 1);
    await cache.get('observability:present');
    const s = parse((await scrape()).text);
    expect(s.get('cache_misses_total')).toBe(cache.counters.misses);
    expect(s.get('cache_hits_total')).toBe(cache.counters.hits);
    expect(s.get('cache_errors_total')).toBe(cache.counters.errors);
    expect(cache.counters.misses).toBeGreaterThanOrEqual(1);
    expect(cache.counters.hits).toBeGreaterThanOrEqual(1);

    expect(s.get('websocket_clients')).toBe(0);
    const socket = new WebSocket(`${sut.url.replace('http', 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    try {
      await until(async () => (await sample('websocket_clients')) === 1, 'one client counted', 5000);
    } finally {
      socket.close();
    }
    await until(async () => (await sample('websocket_clients')) === 0, 'client gone', 5000);
  });
});

describe('request ids in JSON logs (the built service)', () => {
  const API_KEY = 'obs-secret-key-7f3a';
  let databaseUrl: string;
  let app: ChildApp;
  let base: string;

  /** stdout and stderr as JSON log lines (every line must be JSON). */
  const lines = () =>
    app
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, any>;
        } catch {
          throw new Error(`not a JSON log line: ${l}`);
        }
      });

  beforeAll(async () => {
    databaseUrl = await createDatabase('observability_logs');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawnApp({ DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'info', API_KEY });
    await waitFor200(`${base}/ready`, app, 30_000);
  }, 40_000);

  afterAll(async () => {
    app?.child.kill('SIGTERM');
    await app?.exited;
    await dropDatabase(databaseUrl);
  });

  it('logs each request once, with the id from x-request-id, echoed in the header and the error body', async () => {
    const res = await fetch(`${base}/api/tasks/424242`, { headers: { 'x-request-id': 'obs-req-404' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('obs-req-404');
    expect(((await res.json()) as { requestId: string }).requestId).toBe('obs-req-404');

    await until(() => lines().some((l) => l.reqId === 'obs-req-404'), 'request line');
    const mine = lines().filter((l) => l.reqId === 'obs-req-404');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 'warn', req: { method: 'GET', url: '/api/tasks/424242', route: '/api/tasks/:id' }, res: { statusCode: 404 } });
    expect(typeof mine[0].responseTime).toBe('number');
    expect(typeof mine[0].time).toBe('string');
  });

  it('generates an id when none is sent, and logs it', async () => {
    const res = await fetch(`${base}/api/simulation/status`);
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => lines().some((l) => l.reqId === id && l.res?.statusCode === 200), 'generated id logged');
  });

  it('never logs the API key, other secrets or a request body', async () => {
    const body = JSON.stringify({ password: 'hunter2-obs', count: 'not-a-number' });
    const res = await fetch(`${base}/api/simulation/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, authorization: 'Bearer tok-obs-123', cookie: 'sid=cookie-obs-456', 'x-request-id': 'obs-req-secret' },
      body,
    });
    expect(res.status).toBe(400);
    await until(() => lines().some((l) => l.reqId === 'obs-req-secret'), 'request line');
    const out = app.output();
    for (const secret of [API_KEY, 'hunter2-obs', 'tok-obs-123', 'cookie-obs-456', 'not-a-number']) expect(out).not.toContain(secret);
  });

  it('logs nothing for probes and scrapes that succeed', async () => {
    for (const path of ['/health', '/ready', '/metrics']) {
      expect((await fetch(`${base}${path}`, { headers: { 'x-request-id': `obs-probe-${path.slice(1)}` } })).status).toBe(200);
    }
    // A later request's line proves the probes' lines would have been written by now.
    await fetch(`${base}/api/simulation/status`, { headers: { 'x-request-id': 'obs-after-probes' } });
    await until(() => lines().some((l) => l.reqId === 'obs-after-probes'), 'request line');
    expect(lines().filter((l) => String(l.reqId ?? '').startsWith('obs-probe-'))).toEqual([]);
    // Nest's own lines (start-up) are JSON through the same logger.
    expect(lines().some((l) => l.context === 'NestApplication' || l.context === 'Bootstrap')).toBe(true);
  });
});
