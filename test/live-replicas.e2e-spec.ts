import { Redis } from 'ioredis';
import { LiveFeedService } from '../src/live/live-feed.service.js';
import { PRESENCE_CHECK_MS, PRESENCE_TTL_MS } from '../src/live/live-relay.service.js';
import { liveKeyPrefix } from '../src/live/live-redis.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { FeedClient } from './support/feed-client.js';
import { until } from './support/progress.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// 50 tasks/s (faster than the feed's 10 messages/s) and a retrain every 50 tasks.
const SETTINGS = { SIM_TICK_MS: '20', SIM_RETRAIN_INTERVAL: '50', SIM_RETRAIN_LAG: '10', SIM_CHECKPOINT_TASKS: '1000' };

/** The app's `simulation_tasks_processed_total{kind="continuous"}`. */
async function continuousTasks(app: TestApp): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('simulation_tasks_processed_total{kind="continuous"}'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

function expectIncreasing(ids: number[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
}

(HAS_REDIS_SERVER ? describe : describe.skip)('live feed across replicas (Redis pub/sub)', () => {
  let redis: RedisServer;
  let redisStopped = false;
  let databaseUrl: string;
  // A simulates the continuous run; B, on the same database and Redis, only serves.
  let a: TestApp;
  let b: TestApp;
  const clients: FeedClient[] = [];
  const connect = async (app: TestApp) => {
    const client = await FeedClient.connect(app.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    databaseUrl = await createDatabase('live_replicas');
    a = await startTestApp(databaseUrl, { ...SETTINGS, REDIS_URL: redis.url, SIM_AUTOSTART: 'true' });
    b = await startTestApp(databaseUrl, { ...SETTINGS, REDIS_URL: redis.url, SIM_AUTOSTART: 'false', SIM_RESUME: 'false' });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    try {
      await b?.close();
      await a?.close();
    } finally {
      if (!redisStopped) await redis?.stop();
      if (databaseUrl) await dropDatabase(databaseUrl);
    }
  });

  it('simulates on A only', async () => {
    await until(async () => (await continuousTasks(a)) > 0, 10_000, 'A steps the continuous run');
    expect(await continuousTasks(b)).toBe(0);
  });

  it("sends A's updates to a client on B, in order, while A has no client of its own", async () => {
    const client = await connect(b);
    await until(() => client.ofType('simulation_update').length >= 12, 15_000, 'twelve updates on B');
    expect(a.app.get(LiveFeedService).clients).toBe(0);
    expectIncreasing(client.taskIds());
    // Still throttled at the source: tasks in between were dropped, not queued.
    const ids = client.taskIds();
    expect(ids.at(-1)! - ids[0]).toBeGreaterThan(ids.length - 1);
    expect(await continuousTasks(b)).toBe(0);
  });

  it('sends clients on A and on B the same messages, text for text, in the same order', async () => {
    const [onA, onB] = await Promise.all([connect(a), connect(b)]);
    await until(() => onA.ofType('simulation_update').length >= 10 && onB.ofType('simulation_update').length >= 10, 15_000, 'ten updates on each');
    // Compare the stretch both were connected for.
    const from = Math.max(onA.taskIds()[0], onB.taskIds()[0]);
    const to = Math.min(onA.taskIds().at(-1)!, onB.taskIds().at(-1)!);
    const stretch = (c: FeedClient) =>
      c.ofType('simulation_update').filter((m) => {
        const id = (m.body.task as { id: number }).id;
        return id >= from && id <= to;
      });
    const [seenOnA, seenOnB] = [stretch(onA), stretch(onB)];
    expect(seenOnB.length).toBeGreaterThanOrEqual(5);
    expect(seenOnB.map((m) => m.text)).toEqual(seenOnA.map((m) => m.text));
    expectIncreasing(onA.taskIds());
    expectIncreasing(onB.taskIds());
  });

  it("sends A's retrain notifications to a client on B", async () => {
    const client = await connect(b);
    await until(() => client.ofType('notification').length >= 1, 30_000, 'a notification on B');
    const [{ body }] = client.ofType('notification');
    expect(Object.keys(body).sort()).toEqual(['message', 'type']);
    expect(body.message).toMatch(/model v\d+ .*R²=(-?\d+\.\d+|n\/a), MAE=(\d+\.\d+|n\/a)/);
  });

  it('publishes nothing once no replica has a client, and starts again when one connects', async () => {
    const channel = `${liveKeyPrefix(databaseUrl)}:messages`;
    const listener = new Redis(redis.url);
    let last = 0;
    let count = 0;
    listener.on('message', (ch: string) => {
      if (ch !== channel) return;
      last = Date.now();
      count++;
    });
    try {
      await listener.subscribe(channel);
      const client = await connect(b);
      await until(() => count > 0, 10_000, 'a message on the channel');
      await client.close();
      // B's presence lapses within PRESENCE_TTL_MS, and A notices within PRESENCE_CHECK_MS more.
      const quiet = PRESENCE_CHECK_MS + 1_000;
      await until(() => Date.now() - last > quiet, PRESENCE_TTL_MS + PRESENCE_CHECK_MS + quiet + 5_000, 'the channel falls quiet');
      const before = count;
      await connect(b);
      await until(() => count > before, 10_000, 'messages again once a client connects');
    } finally {
      listener.disconnect();
    }
  });

  it("keeps the run going and A's own clients served when Redis goes away", async () => {
    const client = await connect(a);
    await until(() => client.ofType('simulation_update').length >= 1, 10_000, 'an update on A');
    await redis.stop();
    redisStopped = true;
    const stoppedAt = Date.now();
    const tasks = await continuousTasks(a);
    await until(() => client.messages.filter((m) => m.at > stoppedAt + 500).length >= 3, 15_000, 'updates on A without Redis');
    expect(await continuousTasks(a)).toBeGreaterThan(tasks);
    expectIncreasing(client.taskIds());
  });
});
