import { CacheService } from '../src/cache/cache.service.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { until } from './support/progress.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { applicationRoutes, startAppWithRoutes } from './support/routes.js';
import { postJson, waitForRun } from './support/runs.js';
import { timedGet, type TestApp } from './support/test-app.js';

const CACHE_TIMEOUT_MS = 200;
// Cache timeout + an allowance for the queries on a loaded 2-core machine.
const BUDGET_MS = CACHE_TIMEOUT_MS + 800;

interface Read {
  path: string;
  /** A read of the finished batch run (or one of its rows): must answer the same body throughout. */
  finished: boolean;
  expected?: unknown;
}

(HAS_REDIS_SERVER ? describe : describe.skip)('every read endpoint with Redis frozen and then stopped', () => {
  let databaseUrl: string;
  let redis: RedisServer;
  let sut: TestApp & { routes: { method: string; url: string }[] };
  let redisStopped = false;
  const reads: Read[] = [];

  beforeAll(async () => {
    databaseUrl = await createDatabase('fault_redis');
    redis = await RedisServer.start();
    sut = await startAppWithRoutes(databaseUrl, {
      REDIS_URL: redis.url,
      CACHE_TIMEOUT_MS: String(CACHE_TIMEOUT_MS),
      CACHE_TTL_S: '60',
      SIM_AUTOSTART: 'true',
      SIM_TICK_MS: '20',
      SIM_FLUSH_MS: '200',
    });
    await until(async () => (await sut.app.get(CacheService).state()) === 'up', 5000, 'cache up');
    const created = await postJson(`${sut.url}/api/simulation/runs`, { kind: 'batch', tasks: 1000, seed: 11 });
    expect(created.status).toBe(202);
    const batch = created.body.id as number;
    await waitForRun(sut.url, batch, 60_000);
    const experiment = await postJson(`${sut.url}/api/experiments`, { base: { tasks: 100 }, seeds: [1, 2] });
    expect(experiment.status).toBe(202);
    const experimentDone = async () => ((await timedGet(`${sut.url}/api/experiments/${experiment.body.id}`)).body as { status: string }).status === 'completed';
    await until(experimentDone, 60_000, 'experiment completed');
    // The continuous run has stored something of its own, so its reads are not empty.
    await until(async () => ((await timedGet(`${sut.url}/api/tasks?limit=1`)).body as { items: unknown[] }).items.length > 0, 10_000, 'continuous tasks');

    // Real ids for the path parameters.
    const firstId = async (path: string) => (((await timedGet(`${sut.url}${path}`)).body as { items: { id: number }[] }).items[0].id);
    const params: Record<string, string> = {
      '/api/simulation/runs/:id': String(batch),
      '/api/tasks/:id': String(await firstId(`/api/tasks?runId=${batch}&limit=1`)),
      '/api/training/data/:id': String(await firstId(`/api/training/data?runId=${batch}&limit=1`)),
      '/api/metrics/windows/:id': String(await firstId(`/api/metrics/windows?runId=${batch}&limit=1`)),
      '/api/metrics/schedulers/:name': 'eft',
      '/api/training/model/:version': '1',
      '/api/experiments/:id': String(experiment.body.id),
    };
    for (const route of applicationRoutes(sut.routes).filter((r) => r.method === 'GET')) {
      let path = route.url;
      if (path.includes(':')) {
        const filled = params[route.url];
        if (!filled) throw new Error(`no real id for ${route.url}: add one to the test`);
        path = path.replace(/:\w+/, filled);
      }
      // A route takes runId when it validates it (a malformed one is a 400) and accepts the batch's:
      // it then reads the finished batch run. Of the others, a row by id is finished too; the rest
      // (status, probes, the continuous run's dashboard routes, the run list) are live.
      const malformed = await timedGet(`${sut.url}${path}?runId=not-a-number`);
      const scoped = await timedGet(`${sut.url}${path}?runId=${batch}`);
      if (malformed.status === 400 && scoped.status === 200) reads.push({ path: `${path}?runId=${batch}`, finished: true });
      else reads.push({ path, finished: path !== route.url });
    }
  }, 120_000);

  afterAll(async () => {
    await sut?.close();
    if (!redisStopped) await redis?.stop();
    await dropDatabase(databaseUrl);
  });

  it('reads every GET route of the route table, run-scoped ones for the finished batch run', async () => {
    expect(reads.length).toBeGreaterThanOrEqual(20);
    expect(reads.filter((r) => r.finished).length).toBeGreaterThanOrEqual(12);
    for (const read of reads) {
      const res = await timedGet(`${sut.url}${read.path}`);
      expect({ path: read.path, status: res.status }).toEqual({ path: read.path, status: 200 });
      read.expected = res.body;
    }
  });

  async function expectSameAnswers(): Promise<void> {
    for (const read of reads) {
      const res = await timedGet(`${sut.url}${read.path}`);
      expect({ path: read.path, status: res.status, inBudget: res.ms < BUDGET_MS }).toEqual({ path: read.path, status: 200, inBudget: true });
      if (read.finished) expect({ path: read.path, body: res.body }).toEqual({ path: read.path, body: read.expected });
    }
  }

  it('answers every read the same (finished run) or 2xx (live), each within the cache timeout plus database time, while Redis is frozen', async () => {
    redis.freeze();
    try {
      await expectSameAnswers();
      // Readiness reports the cache, and stays 200.
      const ready = await timedGet(`${sut.url}/ready`);
      expect(ready.status).toBe(200);
    } finally {
      redis.thaw();
    }
  }, 60_000);

  it('does the same once Redis is stopped', async () => {
    await redis.stop();
    redisStopped = true;
    await expectSameAnswers();
    expect((await timedGet(`${sut.url}/ready`)).status).toBe(200);
  }, 60_000);
});
