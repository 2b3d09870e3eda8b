import { LiveFeedService } from '../src/live/live-feed.service.js';
import { LiveRelay } from '../src/live/live-relay.service.js';
import { FeedClient } from './support/feed-client.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { useTestApp } from './support/test-app.js';

const STRATEGIES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'];
const GPUS = 4;

async function until(timeoutMs: number, check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

// The same feed whether messages go straight to this replica's clients or round through Redis pub/sub.
const BACKENDS = HAS_REDIS_SERVER ? (['local', 'redis'] as const) : (['local'] as const);

describe.each(BACKENDS)(`${LiveFeedService.name} (%s)`, (backend) => {
  let redis: RedisServer | undefined;
  // 50 tasks/s: faster than the feed's 10 messages/s, so throttling shows; a retrain every 50 tasks.
  const sut = useTestApp(
    `live_${backend}`,
    { SIM_TICK_MS: '20', SIM_RETRAIN_INTERVAL: '50', SIM_RETRAIN_LAG: '10', SIM_CHECKPOINT_TASKS: '1000' },
    {
      beforeStart: async () => {
        if (backend === 'local') return;
        redis = await RedisServer.start();
        return { REDIS_URL: redis.url };
      },
    },
  );
  afterAll(async () => {
    await redis?.stop();
  });
  let wsUrl: string;

  beforeAll(async () => {
    wsUrl = `${sut.url.replace(/^http/, 'ws')}/ws`;
    const res = await fetch(`${sut.url}/api/start`, { method: 'POST' });
    expect(res.status).toBe(200);
  });

  it(`relays messages ${backend === 'redis' ? 'through Redis' : 'in process'}`, () => {
    expect(sut.app.get(LiveRelay).backend).toBe(backend);
  });

  it('counts connected clients', async () => {
    const feed = sut.app.get(LiveFeedService);
    const client = await FeedClient.connect(wsUrl);
    await until(2000, () => feed.clients === 1, 'one client');
    await client.close();
    await until(2000, () => feed.clients === 0, 'no client');
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    await expect(FeedClient.connect(`${sut.url.replace(/^http/, 'ws')}/not-the-feed`)).rejects.toBeDefined();
  });

  it('sends simulation_update messages of the documented shape after each task', async () => {
    const client = await FeedClient.connect(wsUrl);
    try {
      await until(10_000, () => client.ofType('simulation_update').length >= 3, 'three updates');
      for (const { body } of client.ofType('simulation_update')) {
        expect(Object.keys(body).sort()).toEqual(['comparison', 'data', 'latest_results', 'task', 'type', 'utilization']);
        const task = body.task as Record<string, unknown>;
        expect(Object.keys(task).sort()).toEqual(['id', 'intensity', 'memory', 'size']);
        expect(Number.isInteger(task.id)).toBe(true);
        for (const key of ['size', 'intensity', 'memory']) expect(isNumber(task[key])).toBe(true);

        const comparison = body.comparison as Record<string, unknown>[];
        expect(comparison.map((c) => c.name)).toEqual(STRATEGIES);
        for (const c of comparison) {
          expect(Object.keys(c).sort()).toEqual(['avg_time', 'max_backlog', 'mean_backlog', 'name', 'utilisation']);
          expect(isNumber(c.avg_time)).toBe(true);
          for (const key of ['utilisation', 'mean_backlog', 'max_backlog']) {
            const perDevice = c[key] as { cpu: number; gpus: number[] };
            expect(isNumber(perDevice.cpu)).toBe(true);
            expect(perDevice.gpus.length).toBeGreaterThan(0);
          }
          expect(c.avg_time as number).toBeGreaterThan(0);
        }

        const latest = body.latest_results as Record<string, Record<string, unknown>>;
        expect(Object.keys(latest).sort()).toEqual([...STRATEGIES].sort());
        for (const result of Object.values(latest)) {
          expect(Object.keys(result).sort()).toEqual(['actual_time', 'cost', 'energy', 'gpu_fraction', 'gpu_id', 'time']);
          for (const key of ['time', 'energy', 'cost', 'gpu_fraction', 'actual_time']) expect(isNumber(result[key])).toBe(true);
          expect(result.gpu_id === null || (Number.isInteger(result.gpu_id) && (result.gpu_id as number) < GPUS)).toBe(true);
          // completion time = exec time + waiting
          expect(result.time as number).toBeGreaterThanOrEqual((result.actual_time as number) - 1e-9);
        }
        // No strategy beats the oracle's exec time on the same task.
        for (const result of Object.values(latest)) expect(result.actual_time as number).toBeGreaterThanOrEqual((latest.oracle.actual_time as number) - 1e-9);

        const utilization = body.utilization as Record<string, unknown>;
        expect(Object.keys(utilization).sort()).toEqual(['average_utilization', ...Array.from({ length: GPUS }, (_, g) => `gpu_${g}`)].sort());
        expect(utilization.average_utilization as number).toBeGreaterThanOrEqual(0);
        expect(utilization.average_utilization as number).toBeLessThanOrEqual(1);
        for (let g = 0; g < GPUS; g++) {
          const gpu = utilization[`gpu_${g}`] as Record<string, unknown>;
          expect(Object.keys(gpu)).toEqual(['utilization']);
          expect(gpu.utilization as number).toBeGreaterThanOrEqual(0);
          expect(gpu.utilization as number).toBeLessThanOrEqual(1);
        }

        // data is hybrid_ml's decision for this very task.
        const data = body.data as Record<string, unknown>;
        expect(Object.keys(data).sort()).toEqual(['gpu_fraction', 'gpu_id', 'scheduled_time', 'task_id']);
        expect(data.task_id).toBe(task.id);
        expect(data.gpu_fraction).toBe(latest.hybrid_ml.gpu_fraction);
        expect(data.gpu_id).toBe(latest.hybrid_ml.gpu_id);
        expect(isNumber(data.scheduled_time)).toBe(true);
      }
    } finally {
      await client.close();
    }
  });

  it('sends at most 10 updates a second when the run goes faster, always for a newer task', async () => {
    const client = await FeedClient.connect(wsUrl);
    try {
      await until(10_000, () => client.ofType('simulation_update').length >= 12, 'twelve updates');
      const updates = client.ofType('simulation_update');
      const ids = updates.map((u) => (u.body.task as { id: number }).id);
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
      // Tasks in between were dropped (the run steps 50 a second).
      expect(ids.at(-1)! - ids[0]).toBeGreaterThan(ids.length - 1);
      // Sent ≥ 100 ms apart: arrivals may bunch up (more so through Redis), but over the whole sequence
      // they cannot gain more than one arrival's jitter on the sending pace.
      const span = updates.at(-1)!.at - updates[0].at;
      expect(span).toBeGreaterThanOrEqual(100 * (updates.length - 1) - 60);
    } finally {
      await client.close();
    }
  });

  it('sends a notification naming the version, R² and MAE after a retrain', async () => {
    const client = await FeedClient.connect(wsUrl);
    try {
      await until(30_000, () => client.ofType('notification').length >= 1, 'a notification');
      const [{ body }] = client.ofType('notification');
      expect(Object.keys(body).sort()).toEqual(['message', 'type']);
      expect(body.message).toMatch(/model v\d+ .*R²=(-?\d+\.\d+|n\/a), MAE=(\d+\.\d+|n\/a)/);
    } finally {
      await client.close();
    }
  });
});
