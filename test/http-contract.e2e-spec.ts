import { WebSocket } from 'ws';
import { ALL_STRATEGY_NAMES } from '../src/engine/index.js';
import { applicationRoutes, type RegisteredRoute } from './support/routes.js';
import { useTestApp } from './support/test-app.js';

// The routes the replaced system served; they keep its leniency (browsers add cache-busters).
const LEGACY = new Set(['/api/status', '/api/start', '/api/stop', '/api/pause', '/api/resume', '/api/full_history', '/api/history/comparative', '/api/history']);
// The one route that takes a body other than JSON.
const RUNS = '/api/simulation/runs';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

function expectError(answer: Answer, statusCode: number): void {
  expect({ status: answer.status, keys: Object.keys(answer.body as object).sort() }).toEqual({ status: statusCode, keys: ['error', 'message', 'requestId', 'statusCode'] });
  expect(answer.body.statusCode).toBe(statusCode);
  expect(Array.isArray(answer.body.message)).toBe(true);
}

// A concrete path for a route pattern: every path parameter a valid value.
const concrete = (url: string): string => url.replace(/:name\b/g, 'eft').replace(/:\w+/g, '1');

describe('the HTTP contract', () => {
  const sut = useTestApp('http_contract', { THROTTLE_LIMIT: '1000000' }, { routes: true });
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    routes = applicationRoutes(sut.routes);
  }, 60_000);

  describe('unknown query parameters', () => {
    it('answers 400 naming each unknown parameter on every /api route but the legacy ones', async () => {
      const own = routes.filter((r) => r.url.startsWith('/api/') && !LEGACY.has(r.url));
      expect(own.length).toBeGreaterThanOrEqual(20);
      for (const route of own) {
        const answer = await call(`${sut.url}${concrete(route.url)}?zz_typo=1&t=2`, { method: route.method });
        expect({ route, status: answer.status }).toEqual({ route, status: 400 });
        expectError(answer, 400);
        const lines = answer.body.message as string[];
        expect({ route, named: ['zz_typo', 't'].map((p) => lines.some((l) => l.startsWith(`${p}:`))) }).toEqual({ route, named: [true, true] });
      }
    }, 120_000);

    it('rejects runId on the placement route instead of answering for another run', async () => {
      const answer = await call(`${sut.url}/api/tasks/placement?runId=2`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 1000, computeIntensity: 0.5, memoryRequired: 100 }),
      });
      expectError(answer, 400);
      expect(answer.body.message[0]).toMatch(/^runId: /);
    });

    it('ignores them on every legacy route: the same answer as without them', async () => {
      const legacy = routes.filter((r) => LEGACY.has(r.url));
      expect(legacy.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
        ['DELETE /api/history', 'GET /api/full_history', 'GET /api/history/comparative', 'GET /api/status', 'POST /api/pause', 'POST /api/resume', 'POST /api/start', 'POST /api/stop'].sort(),
      );
      // Reads first, while nothing runs, so that their answers cannot change between the two calls.
      const reads = legacy.filter((r) => r.method === 'GET');
      for (const route of reads) {
        const query = route.url === '/api/history/comparative' ? '?limit=50' : '';
        const plain = await call(`${sut.url}${route.url}${query}`);
        const busted = await call(`${sut.url}${route.url}${query}${query ? '&' : '?'}t=1796531852223&zz_typo=x`);
        expect({ route, status: busted.status, body: busted.body }).toEqual({ route, status: 200, body: plain.body });
      }
      for (const method of ['POST /api/pause', 'POST /api/resume', 'POST /api/stop', 'DELETE /api/history']) {
        const [verb, path] = method.split(' ');
        const plain = await call(`${sut.url}${path}`, { method: verb });
        const busted = await call(`${sut.url}${path}?t=1796531852223`, { method: verb });
        expect({ method, status: busted.status, body: busted.body }).toEqual({ method, status: plain.status, body: plain.body });
        expect(plain.status).toBe(200);
      }
      const started = await call(`${sut.url}/api/start?t=1`, { method: 'POST' });
      expect(started.status).toBe(200);
      expect((await call(`${sut.url}/api/stop?t=2`, { method: 'POST' })).status).toBe(200);
    });

    it('opens the live feed with a cache-buster in its URL', async () => {
      const socket = new WebSocket(`${sut.url.replace('http', 'ws')}/ws?t=1796531852223`);
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
      } finally {
        socket.close();
      }
    });

    it('rejects an unknown parameter on a cached read after its answer was remembered, as the full path does', async () => {
      await call(`${sut.url}/api/start`, { method: 'POST' });
      try {
        const path = '/api/metrics/leaderboard';
        const first = await call(`${sut.url}${path}`);
        const repeat = await call(`${sut.url}${path}`);
        expect(repeat.status).toBe(first.status);
        expectError(await call(`${sut.url}${path}?t=1`), 400);
        expectError(await call(`${sut.url}${path}?runid=1`), 400);
      } finally {
        await call(`${sut.url}/api/stop`, { method: 'POST' });
      }
    });
  });

  describe('errors', () => {
    it('answers 415 to a JSON route sent a form, and never echoes the body as a field', async () => {
      for (const path of ['/api/tasks/placement', RUNS]) {
        const answer = await call(`${sut.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"kind":"batch","tasks":10}' });
        expectError(answer, 415);
        expect(answer.body.message.join(' ')).toContain('application/json');
        expect(JSON.stringify(answer.body)).not.toContain('kind');
      }
    });

    it('answers 415 to text/csv on a route that takes JSON only', async () => {
      const answer = await call(`${sut.url}/api/tasks/placement`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'size\n1' });
      expectError(answer, 415);
    });

    it('answers 415 to text/plain on the runs route, saying to send text/csv', async () => {
      const answer = await call(`${sut.url}${RUNS}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'task_id,size,compute_intensity,memory_required,arrival_time\n0,100,0.5,10,0' });
      expectError(answer, 415);
      expect(answer.body.message.join(' ')).toContain('text/csv');
    });

    it('gives one line per field, its first failed constraint', async () => {
      const answer = await call(`${sut.url}/api/metrics/leaderboard?runId=abc`);
      expectError(answer, 400);
      expect(answer.body.message).toEqual(['runId must be an integer number']);
      const two = await call(`${sut.url}/api/results?runId=abc&limit=-1`);
      expect(two.body.message).toHaveLength(2);
    });

    it('gives message as an array on every error, not found included', async () => {
      expectError(await call(`${sut.url}/api/simulation/runs/999999`), 404);
      expectError(await call(`${sut.url}/api/nope`), 404);
    });

    it('names the limit when a body is too large', async () => {
      const answer = await call(`${sut.url}/api/tasks/placement`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"size":"${'x'.repeat(21 * 1024 * 1024)}"}` });
      expectError(answer, 413);
      expect(answer.body.message).toEqual(['body exceeds the 20 MB limit']);
    }, 60_000);

    it('admits a CSV body just under the limit (a 400 for the trace, not a 413)', async () => {
      const header = 'task_id,size,compute_intensity,memory_required,arrival_time,duration_estimate,dependencies\n';
      const body = header + '\n'.repeat(20 * 1024 * 1024 - header.length - 1);
      const answer = await call(`${sut.url}${RUNS}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
      expect(answer.status).toBe(400);
    }, 60_000);

    it.each([
      ['PUT', '/api/tasks', 'GET, HEAD'],
      ['DELETE', '/api/metrics/leaderboard', 'GET, HEAD'],
      ['GET', '/api/tasks/placement', 'POST'],
      ['PUT', '/api/simulation/runs/1', 'DELETE, GET, HEAD'],
      ['GET', '/api/simulation/start', 'POST'],
    ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
      const answer = await call(`${sut.url}${path}`, { method });
      expectError(answer, 405);
      expect(answer.body.error).toBe('Method Not Allowed');
      expect(answer.headers.get('allow')).toBe(allow);
    });

    it('still answers 404 to a path nothing serves', async () => {
      expectError(await call(`${sut.url}/api/nothing/here`, { method: 'PUT' }), 404);
    });

    it.each([
      '/api/results?scheduler=fifo',
      '/api/metrics/windows?scheduler=fifo',
      '/api/metrics/schedulers/fifo',
    ])('answers 400 listing the valid strategies for %s', async (path) => {
      const answer = await call(`${sut.url}${path}`);
      expectError(answer, 400);
      expect(answer.body.message).toHaveLength(1);
      for (const name of ALL_STRATEGY_NAMES) expect(answer.body.message[0]).toContain(name);
    });
  });

  it('serves the dashboard at GET / (the API docs are at /docs)', async () => {
    const answer = await call(`${sut.url}/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    expect((await call(`${sut.url}/docs`)).status).toBe(200);
  });
});
