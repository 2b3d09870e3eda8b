// Live-feed cost benchmark (not a test): `npm run bench:live [-- --messages N]`, against REDIS_URL
// (default redis://127.0.0.1:6379). What one simulation_update costs to build, to publish on Redis
// pub/sub and to receive, in CPU time of the processes doing it; and the presence check.
import { Redis } from 'ioredis';
import { SimulationEngine, type StepResult } from '../src/engine/index.js';
import { simulationUpdate } from '../src/live/live-messages.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const MESSAGES = option('messages', 20_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANNEL = `live-feed-bench:${process.pid}`;

/** CPU time (user + system) of this process spent in fn, µs per item. */
async function cpuPerItem(items: number, fn: () => Promise<void> | void): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / items, wallUs: ((performance.now() - wall) * 1000) / items };
}

// A continuous run some way in: messages of the size a dashboard sees.
const engine = SimulationEngine.create({ seed: 42, learning: { mode: 'inline', retrainInterval: 1000, trainingWindow: 1000, minSamples: 50 } });
let step: StepResult = engine.step(engine.nextTask());
for (let i = 0; i < 5_000; i++) step = engine.step(engine.nextTask());

let text = '';
const build = await cpuPerItem(MESSAGES, () => {
  for (let i = 0; i < MESSAGES; i++) text = JSON.stringify(simulationUpdate(step, engine));
});

const publisher = new Redis(REDIS_URL);
const subscriber = new Redis(REDIS_URL);
await subscriber.subscribe(CHANNEL);
let received = 0;
let allReceived: () => void = () => undefined;
const done = new Promise<void>((resolve) => (allReceived = resolve));
subscriber.on('message', () => {
  if (++received === MESSAGES) allReceived();
});
const receivedCpu = process.cpuUsage();
// One at a time, as the feed does (10 a second): each PUBLISH awaited before the next.
const publish = await cpuPerItem(MESSAGES, async () => {
  for (let i = 0; i < MESSAGES; i++) await publisher.publish(CHANNEL, text);
});
await done;
const both = process.cpuUsage(receivedCpu);
const presence = await cpuPerItem(2_000, async () => {
  for (let i = 0; i < 2_000; i++) await publisher.exists(`${CHANNEL}:listening`);
});
publisher.disconnect();
subscriber.disconnect();

const publishAndReceiveUs = (both.user + both.system) / MESSAGES;
// The feed sends at most 10 messages a second (MIN_UPDATE_INTERVAL_MS).
const perSecondMs = (10 * (build.cpuUs + publishAndReceiveUs)) / 1000;
console.log(`live feed bench: ${MESSAGES} simulation_update messages of ${text.length} bytes, Redis at ${REDIS_URL}`);
console.log(`  build (simulationUpdate + JSON.stringify): ${build.cpuUs.toFixed(1)} µs CPU each`);
console.log(`  PUBLISH awaited one by one: ${publish.wallUs.toFixed(1)} µs wall each; publish + receive in one process ${publishAndReceiveUs.toFixed(1)} µs CPU each`);
console.log(`  presence check (EXISTS): ${presence.wallUs.toFixed(1)} µs wall, ${presence.cpuUs.toFixed(1)} µs CPU each`);
console.log(`  at 10 messages/s: ${perSecondMs.toFixed(2)} ms CPU per second on the publishing replica (${(perSecondMs / 10).toFixed(3)}% of a core), ${((10 * text.length) / 1024).toFixed(1)} KiB/s to each replica`);
console.log(
  JSON.stringify({
    bench: 'live',
    message_bytes: text.length,
    build_cpu_us: Number(build.cpuUs.toFixed(1)),
    publish_wall_us: Number(publish.wallUs.toFixed(1)),
    publish_receive_cpu_us: Number(publishAndReceiveUs.toFixed(1)),
    presence_check_wall_us: Number(presence.wallUs.toFixed(1)),
  }),
);
