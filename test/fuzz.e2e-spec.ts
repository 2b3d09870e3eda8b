import http from 'node:http';
import fc from 'fast-check';
import { applicationRoutes, type RegisteredRoute } from './support/routes.js';
import { postJson, waitForRun } from './support/runs.js';
import { useTestApp } from './support/test-app.js';

const SEED = 20_240_617;
const REQUESTS = 2000;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const OVERSIZED_BYTES = 21 * 1024 * 1024;

interface FuzzRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: string;
}

interface Answer {
  status: number;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** Any method with any body (fetch refuses bodies on GET and HEAD; the server must not care). */
function send(base: string, req: FuzzRequest): Promise<Answer> {
  const url = new URL(base);
  const headers: Record<string, string | number> = {};
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.path}: no answer within 30 s`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Waits for a run the fuzz created (they are small) to finish; its final status. */
async function settle(base: string, id: number): Promise<string> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${base}/api/simulation/runs/${id}`);
    const run = res.ok ? ((await res.json()) as { status: string; error?: string }) : undefined;
    if (run?.status === 'completed') return run.status;
    if (run?.status === 'failed') return `failed: ${run.error}`;
    if (Date.now() - started > 20_000) return `not finished within 20 s: ${JSON.stringify(run)}`;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** For every answer ≥ 400 (HEAD has no body): the one error shape. */
function errorShapeProblem(req: FuzzRequest, answer: Answer): string | null {
  if (answer.status < 400 || req.method === 'HEAD') return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return `not JSON: ${answer.body.slice(0, 200)}`;
  }
  const message = body.message;
  const ok =
    body.statusCode === answer.status &&
    typeof body.error === 'string' &&
    typeof body.requestId === 'string' &&
    Array.isArray(message) &&
    message.length > 0 &&
    message.every((m) => typeof m === 'string');
  return ok ? null : `not the error shape: ${answer.body.slice(0, 200)}`;
}

// Values a client can put anywhere: unicode, huge and negative numbers, empty, malformed escapes.
const RAW_VALUES = ['', '0', '-1', '1', '-0', '1.5', '1e308', '-1e308', 'NaN', 'Infinity', '9'.repeat(40), '-9007199254740993', '0x1F', 'null', 'true', '[]', '{}', 'eft', 'oracle', 'csv', 'json', '..', '%', '%zz', '%C0%AF', '%00', '%F0%9F%98%80', 'a%20b'];
const rawValue = fc.constantFrom(...RAW_VALUES);
const encodedValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
).map(encodeURIComponent);
const value = fc.oneof(rawValue, encodedValue);

const QUERY_KEYS = ['runId', 'limit', 'cursor', 'scheduler', 'taskId', 'minSize', 'maxSize', 'minIntensity', 'maxIntensity', 'format', 'seed', 'name', 'kind', 'runId[]', 'limit[0]', '__proto__', 'constructor'];
const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 }).map(encodeURIComponent)), value), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

// Numbers of every kind, kept small enough where they are valid that a run created by the fuzz stays quick.
const weirdNumber = fc.oneof(
  fc.integer({ min: 1, max: 30 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, -1, 0, 0.5, 2_000_000),
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const traceRecord = fc.record(
  {
    task_id: weirdNumber,
    size: weirdNumber,
    compute_intensity: weirdNumber,
    memory_required: weirdNumber,
    arrival_time: weirdNumber,
    duration_estimate: weirdNumber,
    dependencies: fc.oneof(fc.array(weirdNumber, { maxLength: 3 }), fc.string({ maxLength: 8 }), weirdNumber),
  },
  { requiredKeys: [] },
);
const runDto = fc.record(
  {
    kind: fc.oneof(fc.constantFrom('batch', 'trace'), fc.anything()),
    name: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ minLength: 201, maxLength: 260 }), weirdNumber),
    seed: weirdNumber,
    tasks: weirdNumber,
    arrivalRate: weirdNumber,
    gpus: weirdNumber,
    strategies: fc.oneof(fc.array(fc.constantFrom('eft', 'oracle', 'greedy', 'nope', ''), { maxLength: 4 }), weirdNumber),
    trace: fc.oneof(fc.array(traceRecord, { maxLength: 12 }), weirdNumber, fc.jsonValue({ maxDepth: 2 })),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const placementDto = fc.record(
  {
    size: weirdNumber,
    computeIntensity: weirdNumber,
    memoryRequired: weirdNumber,
    durationEstimate: weirdNumber,
    weights: fc.oneof(fc.record({ time: weirdNumber, energy: weirdNumber, cost: weirdNumber }, { requiredKeys: [] }), weirdNumber),
  },
  { requiredKeys: [] },
);
// Nearly valid requests, so the fuzz also reaches past validation into the services (small runs only).
const validTraceRecord = fc.record({
  task_id: fc.nat({ max: 50 }),
  size: fc.integer({ min: 1, max: 20_000 }),
  compute_intensity: fc.double({ min: 0, max: 1, noNaN: true }),
  memory_required: fc.double({ min: 0, max: 10_000, noNaN: true }),
  arrival_time: fc.oneof(fc.double({ min: -10, max: 1e6, noNaN: true }), fc.constant(0)),
  dependencies: fc.oneof(fc.array(fc.integer({ min: -2, max: 60 }), { maxLength: 3 }), fc.constantFrom('0;3', '[0, 3]', '', '[]')),
});
const nearlyValidRun = fc.oneof(
  fc.record({ kind: fc.constant('batch'), tasks: fc.integer({ min: 1, max: 40 }), seed: fc.nat(), gpus: fc.integer({ min: 1, max: 64 }), arrivalRate: fc.double({ min: 0.001, max: 1e6, noNaN: true }), strategies: fc.subarray(['eft', 'oracle', 'greedy', 'random', 'round_robin', 'hybrid_ml', 'rl_agent'], { minLength: 1 }) }, { requiredKeys: ['kind', 'tasks'] }),
  fc.record({ kind: fc.constant('trace'), seed: fc.nat(), trace: fc.array(validTraceRecord, { minLength: 1, maxLength: 12 }) }, { requiredKeys: ['kind', 'trace'] }),
);
const nearlyValidPlacement = fc.record(
  { size: fc.double({ min: 1, max: 1e9, noNaN: true }), computeIntensity: fc.double({ min: 0, max: 1, noNaN: true }), memoryRequired: fc.double({ min: 0, max: 1e9, noNaN: true }), durationEstimate: fc.double({ min: 0, max: 1e9, noNaN: true }), weights: fc.record({ time: fc.double({ min: 0, max: 1000, noNaN: true }), energy: fc.double({ min: 0, max: 1000, noNaN: true }), cost: fc.double({ min: 0, max: 1000, noNaN: true }) }, { requiredKeys: [] }) },
  { requiredKeys: ['size', 'computeIntensity', 'memoryRequired'] },
);
const nearlyValidCsv = fc.array(validTraceRecord, { minLength: 1, maxLength: 10 }).map((rows) => ({
  contentType: 'text/csv',
  body: ['task_id,size,compute_intensity,memory_required,arrival_time,dependencies', ...rows.map((r) => `${r.task_id},${r.size},${r.compute_intensity},${r.memory_required},${r.arrival_time},"${Array.isArray(r.dependencies) ? `[${r.dependencies.join(', ')}]` : r.dependencies}"`)].join('\n'),
}));
const csvCell = fc.oneof(fc.integer({ min: -5, max: 50 }).map(String), fc.double().map(String), fc.constantFrom('', '"[0, 3]"', '0;3', '"', 'abc', '1e999', '"unclosed', '[1,2'), fc.string({ unit: 'grapheme', maxLength: 6 }));
const csvBody = fc
  .tuple(
    fc.oneof(fc.constant('task_id,size,compute_intensity,memory_required,arrival_time,duration_estimate,dependencies'), fc.constant('task_id,size'), fc.string({ maxLength: 30 })),
    fc.array(fc.array(csvCell, { minLength: 0, maxLength: 9 }).map((cells) => cells.join(',')), { maxLength: 12 }),
  )
  .map(([header, rows]) => [header, ...rows].join('\n'));

const body: fc.Arbitrary<{ contentType?: string; body?: string }> = fc.oneof(
  fc.constant({}),
  fc.jsonValue().map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  runDto.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  placementDto.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  nearlyValidRun.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  nearlyValidPlacement.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  nearlyValidCsv,
  fc.tuple(fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'text/plain'), csvBody).map(([contentType, b]) => ({ contentType, body: b })),
  fc.string({ maxLength: 40 }).map((b) => ({ contentType: 'application/json', body: `{"kind":${b}` })),
  fc
    .tuple(fc.constantFrom('application/xml', 'multipart/form-data; boundary=x', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/csv; charset=latin1', 'application/json; charset=utf-16', '', 'garbage'), fc.string({ unit: 'grapheme', maxLength: 40 }))
    .map(([contentType, b]) => ({ contentType, body: b })),
);

describe('fuzzing every route', () => {
  // Declared before the app: afterAll hooks run in declaration order, so the kept-alive sockets go first.
  afterAll(() => agent.destroy());
  const sut = useTestApp('fuzz', { THROTTLE_LIMIT: '1000000', SIM_AUTOSTART: 'true', SIM_TICK_MS: '5' }, { routes: true });
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    routes = applicationRoutes(sut.routes);
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 300, seed: 3 });
    await waitForRun(sut.url, created.body.id, 60_000);
  }, 60_000);

  it(`answers ${REQUESTS} generated requests with no 5xx and the error shape on every error`, async () => {
    expect(routes.length).toBeGreaterThan(25);
    const anyRequest: fc.Arbitrary<FuzzRequest> = fc
      .record({
        route: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...routes) }, { weight: 1, arbitrary: fc.constantFrom({ method: 'GET', url: '/api/nope' }, { method: 'GET', url: '/' }, { method: 'GET', url: '/api/:a/:b' }) }),
        ownMethod: fc.boolean(),
        method: fc.constantFrom(...METHODS),
        params: fc.array(value, { minLength: 3, maxLength: 3 }),
        query: queryString,
        body,
      })
      .map(({ route, ownMethod, method, params, query, body: b }) => {
        let k = 0;
        const path = route.url.replace(/:\w+/g, () => params[k++]);
        return { method: ownMethod ? route.method : method, path: `${path}${query}`, ...b };
      });
    // Nearly valid writes with no stray query keys, so the fuzz reaches the run and placement services.
    const csvQuery = fc.oneof(fc.constant(''), fc.tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), weirdNumber).map(([n, seed]) => `?name=${encodeURIComponent(n)}&seed=${encodeURIComponent(String(seed))}`));
    const targeted: fc.Arbitrary<FuzzRequest> = fc.oneof(
      nearlyValidRun.map((v) => ({ method: 'POST', path: '/api/simulation/runs', contentType: 'application/json', body: JSON.stringify(v) })),
      fc.tuple(csvQuery, nearlyValidCsv).map(([q, b]) => ({ method: 'POST', path: `/api/simulation/runs${q}`, ...b })),
      nearlyValidPlacement.map((v) => ({ method: 'POST', path: '/api/tasks/placement', contentType: 'application/json', body: JSON.stringify(v) })),
    );
    const request = fc.oneof({ weight: 4, arbitrary: anyRequest }, { weight: 1, arbitrary: targeted });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        sent++;
        const answer = await send(sut.url, req);
        expect({ req, status: answer.status < 500 ? 'below 500' : answer.status, body: answer.status < 500 ? '' : answer.body }).toEqual({ req, status: 'below 500', body: '' });
        expect({ req, problem: errorShapeProblem(req, answer) }).toEqual({ req, problem: null });
        // An accepted run must run: it completes (or is deleted by a later request), never fails.
        if (answer.status === 202) expect({ req, outcome: await settle(sut.url, (JSON.parse(answer.body) as { id: number }).id) }).toEqual({ req, outcome: 'completed' });
      }),
      { seed: SEED, numRuns: REQUESTS },
    );
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    expect((await send(sut.url, { method: 'GET', path: '/ready' })).status).toBe(200);
    expect((await send(sut.url, { method: 'GET', path: '/health' })).status).toBe(200);
  }, 120_000);

  it('refuses bodies over 20 MB with 413, in the error shape, and stays ready', async () => {
    const big = 'x'.repeat(OVERSIZED_BYTES);
    const cases: FuzzRequest[] = [
      { method: 'POST', path: '/api/simulation/runs', contentType: 'application/json', body: `{"kind":"trace","trace":["${big}"]}` },
      { method: 'POST', path: '/api/simulation/runs', contentType: 'text/csv', body: `task_id,size\n${big}` },
      { method: 'POST', path: '/api/tasks/placement', contentType: 'application/json', body: `{"size":"${big}"}` },
    ];
    for (const req of cases) {
      const answer = await send(sut.url, req).catch((e: Error) => ({ status: 0, body: e.message }));
      expect({ path: req.path, status: answer.status }).toEqual({ path: req.path, status: 413 });
      expect(errorShapeProblem(req, answer)).toBeNull();
    }
    expect((await send(sut.url, { method: 'GET', path: '/ready' })).status).toBe(200);
    expect((await send(sut.url, { method: 'GET', path: '/health' })).status).toBe(200);
  }, 60_000);
});
