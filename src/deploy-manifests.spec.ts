import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, loadAll } from 'js-yaml';
import { EnvironmentVariables, validateEnv } from './config/env.schema.js';

// The deployment examples in docs/deploy/ are not run by any test: these checks keep what they
// say about the service (variables, identical replicas, probes, ports, selectors) true as the
// service changes.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEPLOY = path.join(ROOT, 'docs/deploy');
const read = (file: string) => readFileSync(path.join(DEPLOY, file), 'utf8');

const KNOWN_VARIABLES = new Set([...Object.keys(new EnvironmentVariables()), 'DATABASE_URL', 'REDIS_URL', 'API_KEY', 'NODE_ENV']);
const SECRET_VARIABLES = ['API_KEY', 'DATABASE_URL', 'REDIS_URL'];
/** Values of the kind each secret holds, to run a manifest's environment through the service's own validation. */
const SAMPLE_SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgres://u:p@postgres:5432/db',
  REDIS_URL: 'redis://redis:6379/0',
  API_KEY: 'k',
};
/** The variables the examples must set explicitly, so that a reader sees what several replicas depend on. */
const REPLICA_VARIABLES = ['REDIS_URL', 'SIM_AUTOSTART', 'SIM_RESUME', 'SIM_LEADER_LEASE_MS', 'SIM_WORKER', 'SIM_WORKER_CONCURRENCY'];

/** A replica's environment as the service reads it in production: every variable known, and valid. */
function accepted(env: Record<string, string | undefined>): EnvironmentVariables {
  const unknown = Object.keys(env).filter((k) => !KNOWN_VARIABLES.has(k));
  expect(unknown).toEqual([]);
  return validateEnv({ ...env, NODE_ENV: 'production' });
}

/** Every replica leads the continuous run when elected, resumes runs, and executes queued runs, all through Redis. */
function expectIdenticalSimulatingReplica(config: EnvironmentVariables): void {
  expect(config).toMatchObject({ SIM_AUTOSTART: true, SIM_RESUME: true, SIM_WORKER: true, SIM_WORKER_CONCURRENCY: 1, SIM_LEADER_LEASE_MS: 5000 });
  expect(config.REDIS_URL).toMatch(/^redis:\/\//);
}

/** Bytes in a Kubernetes or compose memory quantity (2Gi, 2g, 512Mi). */
function bytes(quantity: string): number {
  const [, n, unit] = /^(\d+)([KMG]i?|[kmg])?$/.exec(quantity) ?? [];
  if (!n) throw new Error(`not a memory quantity: ${quantity}`);
  const scale: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };
  return Number(n) * (unit ? scale[unit] : 1);
}

interface ComposeService {
  build?: string;
  image?: string;
  restart?: string;
  environment?: Record<string, string>;
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('docs/deploy/docker-compose.replicas.yml', () => {
  const compose = load(read('docker-compose.replicas.yml')) as { services: Record<string, ComposeService> };
  const main = load(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
  const { services } = compose;
  const apps = Object.entries(services).filter(([, s]) => s.build === '../..');

  it('runs one service of three identical replicas of the project image, on one PostgreSQL and one Redis (the main compose file’s images)', () => {
    expect(apps.map(([name, s]) => [name, s.deploy?.replicas])).toEqual([['app', 3]]);
    expect(services.postgres.image).toBe(main.services.postgres.image);
    expect(services.redis.image).toBe(main.services.redis.image);
    const app = services.app;
    expect(app.environment?.DATABASE_URL).toBe('postgres://scheduler:scheduler@postgres:5432/scheduler');
    expect(app.environment?.REDIS_URL).toBe('redis://redis:6379/0');
    expect(app.environment?.API_KEY).toMatch(/^\$\{API_KEY:\?[^}]+\}$/);
    expect(app.environment?.TRUST_PROXY).toBe('true');
    expect(app.ports).toBeUndefined();
    expect(app.healthcheck?.test.join(' ')).toContain('/ready');
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('lets every replica lead the continuous run, resume runs and take queued runs, with settings the service accepts in production', () => {
    const env = services.app.environment ?? {};
    for (const name of REPLICA_VARIABLES) expect({ name, set: env[name] !== undefined }).toEqual({ name, set: true });
    expectIdenticalSimulatingReplica(accepted({ ...env, API_KEY: 'k' }));
  });

  it('gives every replica the memory of one that executes runs (2 GiB)', () => {
    expect(bytes(services.app.deploy?.resources?.limits?.memory ?? '0')).toBe(2 * 2 ** 30);
  });

  it('publishes only the load balancer, which waits for healthy replicas', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports);
    expect(published.map(([name, s]) => [name, s.ports])).toEqual([['lb', ['8000:8000']]]);
    expect(services.lb.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(services.lb.depends_on).toEqual({ app: { condition: 'service_healthy' } });
  });

  it('restarts every service that stops', () => {
    for (const [name, s] of Object.entries(services)) expect({ name, restart: s.restart }).toEqual({ name, restart: 'unless-stopped' });
  });
});

describe('docs/deploy/nginx.conf', () => {
  const conf = read('nginx.conf');
  const upstreams = [...conf.matchAll(/upstream (\w+) \{([^}]*)\}/g)].map(([, name, body]) => ({ name, servers: [...body.matchAll(/server ([^;]+);/g)].map((m) => m[1]) }));
  const locations = [...conf.matchAll(/location ([^{]+?) \{([^}]*)\}/g)].map(([, match, body]) => ({ match, proxy: /proxy_pass http:\/\/(\w+);/.exec(body)?.[1] }));

  it('has one upstream, the compose replicas, and sends every request to it (no route to a particular replica)', () => {
    expect(upstreams).toEqual([{ name: 'app', servers: ['app:8000'] }]);
    expect(locations.map((l) => l.match).sort()).toEqual(['/', '= /ws']);
    for (const l of locations) expect(l).toEqual({ match: l.match, proxy: 'app' });
  });

  it('upgrades /ws to a WebSocket and passes bodies as large as the service takes (20 MB)', () => {
    expect(conf).toMatch(/location = \/ws \{[^}]*proxy_set_header Upgrade \$http_upgrade;[^}]*proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toContain('proxy_http_version 1.1;');
    const [, size] = /client_max_body_size (\d+)m;/.exec(conf) ?? [];
    expect(Number(size)).toBeGreaterThanOrEqual(20);
  });
});

interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle?: { preStop?: { exec: { command: string[] } } };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    replicas?: number;
    strategy?: { type: string; rollingUpdate?: { maxUnavailable: number; maxSurge: number } };
    selector: { matchLabels: Record<string, string> } | Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds?: number; containers: Container[] } };
    ports?: { port: number; targetPort: string | number }[];
    maxUnavailable?: number;
    minAvailable?: number;
  };
}

describe('docs/deploy/k8s', () => {
  const files = readdirSync(path.join(DEPLOY, 'k8s')).filter((f) => f.endsWith('.yaml'));
  const manifests = files.flatMap((f) => loadAll(read(`k8s/${f}`)) as Manifest[]);
  const find = (kind: string, name: string) => {
    const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const app = find('Deployment', 'hybrid-ml-scheduler');
  const [container] = app.spec.template!.spec.containers;
  const podLabels = app.spec.template!.metadata.labels;
  const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  it('is one Deployment of three identical replicas, its Service, a disruption budget and the Secret: no pod apart', () => {
    expect(files.sort()).toEqual(['deployment.yaml', 'pdb.yaml', 'secret.example.yaml', 'service.yaml']);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
      ['Deployment', 'PodDisruptionBudget', 'Secret', 'Service'].map((kind) => `${kind}/hybrid-ml-scheduler`),
    );
    expect(app.spec.replicas).toBe(3);
    expect(app.spec.template!.spec.containers).toHaveLength(1);
  });

  it('lets every replica lead the continuous run, resume runs and take queued runs, with settings the service accepts in production', () => {
    const names = container.env.map((e) => e.name);
    for (const name of REPLICA_VARIABLES) expect({ name, set: names.includes(name) }).toEqual({ name, set: true });
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? SAMPLE_SECRETS[e.name]]));
    expectIdenticalSimulatingReplica(accepted(env));
  });

  it('takes DATABASE_URL, REDIS_URL and API_KEY from the Secret', () => {
    const secret = find('Secret', 'hybrid-ml-scheduler') as unknown as { stringData: Record<string, string> };
    const fromSecret = container.env.filter((e) => e.valueFrom);
    expect(fromSecret.map((e) => [e.name, e.valueFrom!.secretKeyRef]).sort()).toEqual(SECRET_VARIABLES.map((k) => [k, { name: 'hybrid-ml-scheduler', key: k }]));
    expect(Object.keys(secret.stringData).sort()).toEqual(SECRET_VARIABLES);
  });

  it('probes /health for liveness and start-up, /ready for readiness, on its port', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000 }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
  });

  it('sizes every pod as one that executes runs: requests, and a 2 GiB memory limit', () => {
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(bytes(container.resources.limits.memory)).toBe(2 * 2 ** 30);
    expect(bytes(container.resources.requests.memory)).toBeLessThanOrEqual(bytes(container.resources.limits.memory));
  });

  it('rolls out one new pod at a time without taking a ready one away, and leaves time for a graceful shutdown', () => {
    expect(app.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    // The endpoints controller takes the pod out of the Service during the sleep; the rest of the
    // grace period is for writing buffers, handing back jobs and letting go of the lead.
    expect(container.lifecycle?.preStop?.exec.command).toEqual(['sleep', '5']);
    expect(app.spec.template!.spec.terminationGracePeriodSeconds).toBe(40);
  });

  it('has its selector, the Service and the disruption budget select its pods', () => {
    expect(selects((app.spec.selector as { matchLabels: Record<string, string> }).matchLabels, podLabels)).toBe(true);
    const service = find('Service', 'hybrid-ml-scheduler');
    expect(selects(service.spec.selector as Record<string, string>, podLabels)).toBe(true);
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
    const pdb = find('PodDisruptionBudget', 'hybrid-ml-scheduler');
    expect(selects((pdb.spec.selector as { matchLabels: Record<string, string> }).matchLabels, podLabels)).toBe(true);
  });

  it('lets a voluntary disruption take at most one pod at a time', () => {
    const pdb = find('PodDisruptionBudget', 'hybrid-ml-scheduler');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
  });
});
