import { jest } from '@jest/globals';
import pg from 'pg';
import { RunCacheService } from '../src/cache/run-cache.service.js';
import { LeaderboardRepository } from '../src/metrics/leaderboard.repository.js';
import { LeaderboardService } from '../src/metrics/leaderboard.service.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { appendTasks, insertRun, type FixtureRun } from './support/fixtures.js';
import { validateEnv } from '../src/config/env.schema.js';
import { fastPathSwitch } from './support/child-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DASHBOARD = 'http://localhost:3000';
const LIMIT = 40;
// Headers that differ between any two answers.
const PER_REQUEST = new Set(['date', 'x-request-id', 'x-ratelimit-remaining']);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { runId: number; items: { tasks: number }[] };
  // Whether Nest's pipeline ran for it (the leaderboard service was called).
  viaNest: boolean;
}

// With the fast path off (npm run test:e2e:no-fast-path) there is no shortcut to test: the last suite checks that.
const fastPathOn = validateEnv(fastPathSwitch()).HTTP_FAST_PATH;

(fastPathOn ? describe : describe.skip)('answer shortcut (repeated cached reads answered before Nest)', () => {
  let databaseUrl: string;
  let sut: TestApp;
  let run: FixtureRun;
  let service: ReturnType<typeof jest.spyOn>;

  beforeAll(async () => {
    databaseUrl = await createDatabase('shortcut');
    sut = await startTestApp(databaseUrl, { THROTTLE_LIMIT: String(LIMIT), THROTTLE_TTL_S: '600' });
    run = await insertRun(databaseUrl, { tasks: 50, seed: 3 });
    service = jest.spyOn(sut.app.get(LeaderboardService), 'get');
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  let answered = 0;
  const read = async (): Promise<Answer> => {
    const calls = service.mock.calls.length;
    const res = await fetch(`${sut.url}/api/metrics/leaderboard?runId=${run.runId}`, { headers: { origin: DASHBOARD } });
    if (res.status === 200) answered++;
    return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as Answer['body'], viaNest: service.mock.calls.length > calls };
  };
  // The run cache vouches for an answer while its version memo is fresh (100 ms): a read soon
  // after another is answered by the shortcut. Reads go on until one is.
  const readUntilShortcut = async (): Promise<Answer[]> => {
    const answers: Answer[] = [];
    while (answers.length < 20) {
      answers.push(await read());
      if (!answers.at(-1)!.viaNest) return answers;
    }
    throw new Error('no read was answered by the shortcut');
  };
  const without = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => !PER_REQUEST.has(k)));

  it('gives a repeat the same status, body and headers (CORS and rate limit included) as Nest gave', async () => {
    const first = await read();
    expect(first.viaNest).toBe(true);
    const answers = await readUntilShortcut();
    const shortcut = answers.at(-1)!;
    expect(shortcut.status).toBe(200);
    expect(shortcut.body).toEqual(first.body);
    expect(without(shortcut.headers)).toEqual(without(first.headers));
    expect(shortcut.headers['access-control-allow-origin']).toBe(DASHBOARD);
    expect(shortcut.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    // Every answer was counted by the rate limiter, the shortcut's too.
    const remaining = [first, ...answers].map((a) => Number(a.headers['x-ratelimit-remaining']));
    expect(remaining).toEqual(remaining.map((_, i) => remaining[0] - i));
  });

  it("never gives an answer the run's data has changed since: those go the whole way, and are refreshed", async () => {
    await readUntilShortcut();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await appendTasks(db, run.runId, 50, 5, 3);
    await db.end();
    // What a flush of this process does after writing.
    const cache = sut.app.get(RunCacheService);
    await cache.runWritten(run.runId);
    const after = await read();
    expect(after.viaNest).toBe(true);
    // The run cache may give the previous answer while the new one computes, then the new one.
    await cache.whenRefreshed();
    expect((await read()).body.items.every((e) => e.tasks === 55)).toBe(true);
  });

  it("gives the previous answer before Nest while a refresh of the run's data computes the new one", async () => {
    await readUntilShortcut();
    const before = await read();
    const repository = sut.app.get(LeaderboardRepository);
    const query = repository.aggregates.bind(repository);
    let arrived!: () => void;
    const entered = new Promise<void>((resolve) => (arrived = resolve));
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const held = jest.spyOn(repository, 'aggregates').mockImplementation(async (runId) => {
      arrived();
      await opened;
      return query(runId);
    });
    try {
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      await appendTasks(db, run.runId, 55, 5, 3);
      await db.end();
      const cache = sut.app.get(RunCacheService);
      await cache.runWritten(run.runId);
      // The first read after the write goes the whole way and starts the refresh, which waits at the gate.
      const first = await read();
      expect(first.viaNest).toBe(true);
      await entered;
      // Meanwhile repeats are answered before Nest, with the answer the refresh replaces.
      const repeats = [await read(), await read(), await read()];
      expect(repeats.map((a) => [a.status, a.viaNest])).toEqual(Array(3).fill([200, false]));
      expect(repeats.every((a) => JSON.stringify(a.body) === JSON.stringify(before.body))).toBe(true);
      open();
      await cache.whenRefreshed();
      expect((await read()).body.items.every((e) => e.tasks === 60)).toBe(true);
    } finally {
      open();
      held.mockRestore();
    }
  });

  it('leaves a read over the rate limit to Nest: 429 in the error shape', async () => {
    await readUntilShortcut();
    let last = await read();
    while (last.status === 200) last = await read();
    expect(last.status).toBe(429);
    expect(last.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // Exactly LIMIT reads were answered in this file before the first 429.
    expect(answered).toBe(LIMIT);
  });
});

describe('answer shortcut with HTTP_FAST_PATH=false', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('shortcut_off');
    sut = await startTestApp(databaseUrl, { HTTP_FAST_PATH: 'false' });
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('answers every repeat through Nest, with the same body', async () => {
    const run = await insertRun(databaseUrl, { tasks: 20, seed: 4 });
    const service = jest.spyOn(sut.app.get(LeaderboardService), 'get');
    const bodies: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${sut.url}/api/metrics/leaderboard?runId=${run.runId}`);
      expect(res.status).toBe(200);
      bodies.push(await res.text());
    }
    expect(service).toHaveBeenCalledTimes(10);
    expect(new Set(bodies).size).toBe(1);
  });
});
