import { spawnApp, waitFor200, type ChildApp } from './support/child-app.js';
import { createDatabase, dropDatabase, query } from './support/database.js';
import { freePort } from './support/ports.js';
import { until } from './support/progress.js';
import { postJson, storedResults } from './support/runs.js';

// Several replicas of the built app on one database: one leads the continuous run.
const REPLICAS = 3;
const LEASE_MS = 2000;
const TAKEOVER_LIMIT_MS = 10_000;

interface Replica {
  app: ChildApp;
  base: string;
}

interface Status {
  runId: number | null;
  isRunning: boolean;
  isPaused: boolean;
  tasksProcessed: number;
}

const env = (databaseUrl: string, port: number) => ({
  DATABASE_URL: databaseUrl,
  PORT: String(port),
  SIM_AUTOSTART: 'true',
  SIM_TICK_MS: '20',
  SIM_FLUSH_TASKS: '50',
  SIM_CHECKPOINT_TASKS: '400',
  SIM_BATCH_RETRAIN_INTERVAL: '400',
  SIM_LEADER_LEASE_MS: String(LEASE_MS),
  THROTTLE_LIMIT: '1000000',
});

async function start(databaseUrl: string): Promise<Replica> {
  const port = await freePort();
  const app = spawnApp(env(databaseUrl, port));
  return { app, base: `http://127.0.0.1:${port}` };
}

async function metric(r: Replica, name: string): Promise<number> {
  const text = await (await fetch(`${r.base}/metrics`)).text();
  const match = new RegExp(`^${name}\\{kind="continuous"\\} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const simulated = (r: Replica) => metric(r, 'simulation_tasks_processed_total');
const flushes = (r: Replica) => metric(r, 'simulation_flush_duration_seconds_count');

async function status(r: Replica): Promise<Status> {
  return (await (await fetch(`${r.base}/api/simulation/status`)).json()) as Status;
}

async function committed(databaseUrl: string, runId: number): Promise<number> {
  const [row] = await query<{ n: number }>(databaseUrl, 'SELECT tasks_processed AS n FROM simulation_state WHERE id = $1', [runId]);
  return row.n;
}

/** The replicas whose continuous counter moves while the test watches. */
async function simulating(replicas: Replica[]): Promise<Replica[]> {
  const before = await Promise.all(replicas.map(simulated));
  await new Promise((r) => setTimeout(r, 1000));
  const after = await Promise.all(replicas.map(simulated));
  return replicas.filter((_, i) => after[i] > before[i]);
}

describe('several replicas on one database: one leads the continuous run', () => {
  let databaseUrl: string;
  let uninterruptedUrl: string;
  const replicas: Replica[] = [];
  const alive = () => replicas.filter((r) => r.app.child.exitCode === null && r.app.child.signalCode === null);
  let runId: number;

  beforeAll(async () => {
    databaseUrl = await createDatabase('leadership');
    uninterruptedUrl = await createDatabase('leadership_alone');
    // Started together: they race for the lead (and for the migrations).
    replicas.push(...(await Promise.all(Array.from({ length: REPLICAS }, () => start(databaseUrl)))));
    await Promise.all(replicas.map((r) => waitFor200(`${r.base}/ready`, r.app, 60_000)));
  }, 90_000);

  afterAll(async () => {
    for (const r of replicas) {
      r.app.child.kill('SIGCONT');
      r.app.child.kill('SIGKILL');
    }
    await Promise.all(replicas.map((r) => r.app.exited));
    await dropDatabase(databaseUrl);
    await dropDatabase(uninterruptedUrl);
  }, 30_000);

  it('has exactly one replica simulate it', async () => {
    await until(async () => (await Promise.all(replicas.map(simulated))).some((n) => n > 0), 30_000, 'a replica simulating');
    const movers = await simulating(replicas);
    expect(movers).toHaveLength(1);
    const idle = replicas.filter((r) => r !== movers[0]);
    expect(await Promise.all(idle.map(simulated))).toEqual(idle.map(() => 0));
    const [run] = await query<{ id: number }>(databaseUrl, "SELECT id FROM simulation_state WHERE kind = 'continuous'");
    runId = run.id;
  });

  it('carries out a command sent to any replica, and every replica reads the same status', async () => {
    const [leader] = await simulating(replicas);
    const [first, second] = replicas.filter((r) => r !== leader);
    const paused = await postJson(`${first.base}/api/simulation/pause`, {});
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ runId, isPaused: true, isRunning: false });
    const statuses = await Promise.all(replicas.map(status));
    expect(new Set(statuses.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(statuses[0]).toMatchObject({ runId, isPaused: true, tasksProcessed: await committed(databaseUrl, runId) });

    // The dashboard's routes go the same way.
    const legacyResumed = await postJson(`${second.base}/api/resume`, {});
    expect(legacyResumed.body).toMatchObject({ is_running: true, is_paused: false });
    const legacyPaused = await postJson(`${first.base}/api/pause`, {});
    expect(legacyPaused.body).toMatchObject({ is_running: false, is_paused: true });

    const resumed = await postJson(`${second.base}/api/simulation/resume`, {});
    expect(resumed.body).toMatchObject({ runId, isRunning: true, isPaused: false });
    for (const s of await Promise.all(replicas.map(status))) expect(s).toMatchObject({ runId, isRunning: true });
    expect(await simulating(replicas)).toEqual([leader]);
  });

  it('after kill -9 of the leader, another takes the run over within 10 s, from its last commit', async () => {
    const [leader] = await simulating(replicas);
    const atKill = await committed(databaseUrl, runId);
    leader.app.child.kill('SIGKILL');
    await leader.app.exited;
    const rest = alive();
    const tookMs = await until(async () => (await Promise.all(rest.map(simulated))).some((n) => n > 0), TAKEOVER_LIMIT_MS, 'a takeover');
    expect(tookMs).toBeLessThan(TAKEOVER_LIMIT_MS);
    expect(await simulating(rest)).toHaveLength(1);
    await until(async () => (await committed(databaseUrl, runId)) >= atKill + 200, 60_000, 'progress after the takeover');
    expect((await status(rest[0])).runId).toBe(runId);
  });

  it('has a leader frozen past its lease, then resumed, commit nothing', async () => {
    const [leader] = await simulating(alive());
    const others = alive().filter((r) => r !== leader);
    const flushedBefore = await flushes(leader);
    leader.app.child.kill('SIGSTOP');
    await until(async () => (await Promise.all(others.map(simulated))).some((n) => n > 0), 3 * TAKEOVER_LIMIT_MS, 'a takeover from the frozen leader');
    leader.app.child.kill('SIGCONT');
    // Its database session was ended while it was frozen: it learns it lost the lead, and what it
    // had buffered is fenced off by the new leader's claim on the run.
    await until(() => /lost the lead|another execution claimed the run/.test(leader.app.output()), 30_000, 'the old leader stepping down');
    await until(async () => (await simulating([leader])).length === 0, 30_000, 'the old leader to stop');
    expect(await flushes(leader)).toBe(flushedBefore);
    expect(await simulating(alive())).toHaveLength(1);
  });

  it('answers placements about the continuous run on any replica: live on the leader, from its checkpoint elsewhere', async () => {
    await until(async () => (await query<{ c: boolean }>(databaseUrl, "SELECT rng_state IS NOT NULL AS c FROM simulation_state WHERE id = $1", [runId]))[0].c, 60_000, 'a checkpoint');
    const [leader] = await simulating(alive());
    const task = { size: 2500, computeIntensity: 0.7, memoryRequired: 1200 };
    for (const r of alive()) {
      const answer = await postJson(`${r.base}/api/tasks/placement`, task);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ runId, source: r === leader ? 'live' : 'checkpoint' });
    }
  });

  it('stores the rows of an uninterrupted run: none lost, none twice', async () => {
    const [any] = alive();
    await postJson(`${any.base}/api/simulation/pause`, {});
    const tasks = await committed(databaseUrl, runId);
    const [{ n, max }] = await query<{ n: number; max: number }>(databaseUrl, 'SELECT count(*)::int AS n, max(task_id) AS max FROM tasks WHERE run_id = $1', [runId]);
    expect({ n, max }).toEqual({ n: tasks, max: tasks - 1 });

    // The same seed, one replica, never interrupted, to at least as many tasks.
    const alone = await start(uninterruptedUrl);
    try {
      await waitFor200(`${alone.base}/ready`, alone.app, 60_000);
      const [run] = await query<{ id: number }>(uninterruptedUrl, "SELECT id FROM simulation_state WHERE kind = 'continuous'");
      await until(async () => (await committed(uninterruptedUrl, run.id)) >= tasks, 120_000, 'the uninterrupted run');
      await postJson(`${alone.base}/api/simulation/pause`, {});
      const expected = (await storedResults(uninterruptedUrl, run.id)).filter((r) => Number(r.task_id) < tasks);
      const actual = await storedResults(databaseUrl, runId);
      expect(actual.length).toBe(expected.length);
      expect(actual).toEqual(expected);
    } finally {
      alone.app.child.kill('SIGKILL');
      await alone.app.exited;
    }
  }, 180_000);
});
