import { createDatabase, dropDatabase } from './support/database.js';
import { startAppWithRoutes, type RegisteredRoute } from './support/routes.js';
import type { TestApp } from './support/test-app.js';

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

describe('the HTTP contract', () => {
  let databaseUrl: string;
  let sut: TestApp & { routes: RegisteredRoute[] };

  beforeAll(async () => {
    databaseUrl = await createDatabase('http_contract');
    sut = await startAppWithRoutes(databaseUrl, { THROTTLE_LIMIT: '1000000' });
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
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
  });

});
