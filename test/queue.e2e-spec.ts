import { Queue } from 'bullmq';
import { BullRunQueue } from '../src/runs/queue/bullmq-run-queue.js';
import { queuePrefix } from '../src/runs/queue/queue-settings.js';
import type { RunJobs } from '../src/runs/queue/run-jobs.js';
import type { RunsRepository } from '../src/runs/runs.repository.js';
import { spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { createDatabase, dropDatabase, query } from './support/database.js';
import { freePort } from './support/ports.js';
import { until } from './support/progress.js';
import { HAS_REDIS_SERVER, RedisServer } from './support/redis-server.js';
import { postJson, rowCounts, storedResults, waitForRun } from './support/runs.js';

const STRATEGIES = 7;
// A producer that never executes anything (SIM_WORKER=false) needs nothing from RunJobs but its shutdown.
const IDLE_JOBS = { shutDown: () => undefined } as unknown as RunJobs;
// Small flushes and timed checkpoints, as the crash-safety suite: a worker killed mid-run leaves
// rows committed after its last checkpoint, which the run's next execution replays.
const ENV = { LOG_LEVEL: 'info', SIM_TICK_MS: '0', SIM_FLUSH_TASKS: '500', SIM_CHECKPOINT_MS: '1000' };

interface Replica {
  name: string;
  url: string;
  app: ChildApp;
  worker: boolean;
}

/** The ids of the runs whose execution a replica's log shows starting, once per start. */
function executionsIn(replica: Replica): number[] {
  return [...replica.app.output().matchAll(/run (\d+): executing/g)].map((m) => Number(m[1]));
}

async function batchTasksCounted(replica: Replica): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('simulation_tasks_processed_total{kind="batch"}'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function committed(databaseUrl: string, runId: number): Promise<number> {
  const [row] = await query<{ tasks_processed: number }>(databaseUrl, 'SELECT tasks_processed FROM simulation_state WHERE id = $1', [runId]);
  return row?.tasks_processed ?? 0;
}

(HAS_REDIS_SERVER ? describe : describe.skip)('batch runs through the BullMQ queue, on three replicas of one database and one Redis', () => {
  let databaseUrl: string;
  let redis: RedisServer;
  const replicas: Replica[] = [];

  async function startReplica(name: string, worker: boolean): Promise<Replica> {
    const port = await freePort();
    const app = spawnApp({ ...ENV, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, PORT: String(port), SIM_WORKER: String(worker) });
    const replica = { name, url: `http://127.0.0.1:${port}`, app, worker };
    replicas.push(replica);
    await waitFor200(`${replica.url}/ready`, app, 60_000);
    return replica;
  }

  beforeAll(async () => {
    databaseUrl = await createDatabase('queue');
    // A Redis of its own; the queue's prefix also comes from the database name, so no other run shares its jobs.
    redis = await RedisServer.start();
    await Promise.all([startReplica('a', true), startReplica('b', true), startReplica('http-only', false)]);
  }, 120_000);

  afterAll(async () => {
    for (const r of replicas) r.app.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.app.exited));
    await redis?.stop();
    await dropDatabase(databaseUrl);
  });

  const workers = () => replicas.filter((r) => r.worker && r.app.child.exitCode === null && r.app.child.signalCode === null);
  const httpOnly = () => replicas.find((r) => !r.worker)!;

  it('runs 6 batch runs sent to different replicas exactly once each, spread over the workers, none on the HTTP-only replica', async () => {
    const tasks = 2000;
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await postJson(`${replicas[i % 3].url}/api/simulation/runs`, { kind: 'batch', tasks, seed: 100 + i });
      expect(created.status).toBe(202);
      ids.push(created.body.id as number);
    }
    // Status and progress read the same from any replica: here from the one that executes nothing.
    for (const id of ids) await waitForRun(httpOnly().url, id, 120_000);

    for (const id of ids) expect(await rowCounts(databaseUrl, id)).toMatchObject({ tasks, results: tasks * STRATEGIES, training: tasks });
    const executions = replicas.flatMap(executionsIn);
    expect([...executions].sort((x, y) => x - y)).toEqual(ids);
    for (const r of workers()) {
      expect(executionsIn(r).length).toBeGreaterThan(0);
      expect(await batchTasksCounted(r)).toBeGreaterThan(0);
    }
    expect(executionsIn(httpOnly())).toEqual([]);
    expect(await batchTasksCounted(httpOnly())).toBe(0);
  }, 180_000);

  it('after kill -9 of the worker executing a run, another worker completes it with the rows of an uninterrupted run', async () => {
    const tasks = 20_000;
    const created = await postJson(`${httpOnly().url}/api/simulation/runs`, { kind: 'batch', tasks, seed: 77 });
    const id = created.body.id as number;
    await until(async () => workers().some((r) => executionsIn(r).includes(id)), 30_000, `run ${id} taken by a worker`);
    const victim = workers().find((r) => executionsIn(r).includes(id))!;
    const survivor = workers().find((r) => r !== victim)!;

    // Killed in the middle, with rows committed and more buffered.
    await until(async () => (await committed(databaseUrl, id)) >= tasks / 4, 120_000, `run ${id} a quarter done`);
    victim.app.child.kill('SIGKILL');
    await victim.app.exited;
    const killedAt = Date.now();
    expect(await committed(databaseUrl, id)).toBeLessThan(tasks);

    // The job's lock expires and a stalled check hands it to the surviving worker (5–15 s, see
    // docs/decisions/050-run-queue-bullmq.md); the bound here leaves room for a loaded machine.
    await until(async () => executionsIn(survivor).includes(id), 30_000, `run ${id} taken over`);
    const takeoverMs = Date.now() - killedAt;
    process.stdout.write(`queue takeover after kill -9: ${takeoverMs} ms\n`);
    await waitForRun(httpOnly().url, id, 180_000);

    // The same run, uninterrupted, for comparison.
    const reference = (await postJson(`${survivor.url}/api/simulation/runs`, { kind: 'batch', tasks, seed: 77 })).body.id as number;
    await waitForRun(httpOnly().url, reference, 180_000);
    expect(await rowCounts(databaseUrl, id)).toEqual(await rowCounts(databaseUrl, reference));
    expect(await storedResults(databaseUrl, id)).toEqual(await storedResults(databaseUrl, reference));
    expect(survivor.app.output()).not.toMatch(/failed/);
  }, 420_000);

  it('deletes a run another replica executes: the execution stops without writing or failing, and the worker goes on with the next run', async () => {
    const long = (await postJson(`${httpOnly().url}/api/simulation/runs`, { kind: 'batch', tasks: 50_000, seed: 5 })).body.id as number;
    await until(async () => (await committed(databaseUrl, long)) > 0, 60_000, `run ${long} started`);
    const worker = workers().find((r) => executionsIn(r).includes(long))!;
    const deleted = await fetch(`${httpOnly().url}/api/simulation/runs/${long}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);

    // The next run completes: a worker is free again (after the kill, the only worker left is the one that executed the deleted run).
    const next = (await postJson(`${httpOnly().url}/api/simulation/runs`, { kind: 'batch', tasks: 500, seed: 6 })).body.id as number;
    await waitForRun(httpOnly().url, next, 120_000);
    expect(worker.app.output()).toMatch(new RegExp(`run ${long}: (the run was deleted|deleted while executing here)`));
    expect(await rowCounts(databaseUrl, long)).toMatchObject({ tasks: 0, results: 0, models: 0 });
    expect((await fetch(`${worker.url}/api/simulation/runs/${long}`)).status).toBe(404);
    expect(worker.app.output()).not.toMatch(/run \d+ failed|job failed/);
  }, 180_000);

  it('queues a run once however often, and from however many processes, it is enqueued', async () => {
    // A prefix no worker reads: the jobs stay where they can be counted.
    const settings = { redisUrl: redis.url, prefix: `${queuePrefix('', databaseUrl)}-idle`, worker: false, concurrency: 1 };
    const producers = [0, 1, 2].map(() => new BullRunQueue(settings, IDLE_JOBS, {} as RunsRepository));
    const queue = new Queue('runs', { connection: { url: redis.url }, prefix: settings.prefix });
    try {
      await Promise.all(producers.flatMap((p) => [p.enqueue(41), p.enqueue(41), p.enqueue(42)]));
      const waiting = await queue.getJobs(['waiting']);
      expect(waiting.map((j) => j.id).sort()).toEqual(['run-41', 'run-42']);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all(producers.map((p) => p.close()));
    }
  });

  it('skips the job of a run already completed: nothing is executed again', async () => {
    const [done] = await query<{ id: number }>(databaseUrl, "SELECT id FROM simulation_state WHERE status = 'completed' ORDER BY id LIMIT 1");
    const before = await rowCounts(databaseUrl, done.id);
    const executions = replicas.flatMap(executionsIn).length;
    const producer = new BullRunQueue({ redisUrl: redis.url, prefix: queuePrefix('', databaseUrl), worker: false, concurrency: 1 }, IDLE_JOBS, {} as RunsRepository);
    try {
      await producer.enqueue(done.id);
      await until(() => workers().some((r) => r.app.output().includes(`run ${done.id}: already completed`)), 30_000, 'the job skipped');
    } finally {
      await producer.close();
    }
    expect(replicas.flatMap(executionsIn)).toHaveLength(executions);
    expect(await rowCounts(databaseUrl, done.id)).toEqual(before);
  });
});
