import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, loadAll } from 'js-yaml';
import { EnvironmentVariables, validateEnv } from './config/env.schema.js';

// The deployment examples in docs/deploy/ are not run by any test: these checks keep what they
// say about the service (variables, probes, ports, who simulates) true as the service changes.

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

interface ComposeService {
  build?: string;
  image?: string;
  restart?: string;
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
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
  const replicas = (s: ComposeService) => s.deploy?.replicas ?? 1;

  it('runs three replicas of the project image on one PostgreSQL and one Redis, the same images as the main compose file', () => {
    expect(apps.reduce((n, [, s]) => n + replicas(s), 0)).toBe(3);
    expect(services.postgres.image).toBe(main.services.postgres.image);
    expect(services.redis.image).toBe(main.services.redis.image);
    for (const [, s] of apps) {
      expect(s.environment?.DATABASE_URL).toBe('postgres://scheduler:scheduler@postgres:5432/scheduler');
      expect(s.environment?.REDIS_URL).toBe('redis://redis:6379/0');
      expect(s.environment?.API_KEY).toMatch(/^\$\{API_KEY:\?[^}]+\}$/);
      expect(s.environment?.TRUST_PROXY).toBe('true');
      expect(s.ports).toBeUndefined();
      expect(s.healthcheck?.test.join(' ')).toContain('/ready');
      expect(s.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });

  it('gives every app replica an environment the service accepts in production', () => {
    for (const [name, s] of apps) {
      const env = { ...s.environment, API_KEY: 'k', NODE_ENV: 'production' };
      expect({ name, unknown: Object.keys(env).filter((k) => !KNOWN_VARIABLES.has(k)) }).toEqual({ name, unknown: [] });
      expect(() => validateEnv(env)).not.toThrow();
    }
  });

  it('lets exactly one replica simulate and resume runs', () => {
    const simulating = apps.filter(([, s]) => s.environment?.SIM_AUTOSTART !== 'false' || s.environment.SIM_RESUME !== 'false');
    expect(simulating.map(([name, s]) => [name, replicas(s)])).toEqual([['simulator', 1]]);
  });

  it('publishes only the load balancer, which waits for healthy replicas', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports);
    expect(published.map(([name, s]) => [name, s.ports])).toEqual([['lb', ['8000:8000']]]);
    expect(services.lb.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    for (const [name] of apps) expect(services.lb.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
  });

  it('restarts every service that stops', () => {
    for (const [name, s] of Object.entries(services)) expect({ name, restart: s.restart }).toEqual({ name, restart: 'unless-stopped' });
  });
});

describe('docs/deploy/nginx.conf', () => {
  const conf = read('nginx.conf');
  const upstream = (name: string) => new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(conf)?.[1] ?? '';
  /** The upstream a location block proxies to. */
  const target = (location: string) => new RegExp(`location ${location.replace(/[$^()|?.*+\\]/g, '\\$&')} \\{[^}]*proxy_pass http://(\\w+);`).exec(conf)?.[1];

  it('balances over every replica, and sends what touches the simulation to the one that runs it', () => {
    expect(upstream('replicas')).toMatch(/server api:8000;[\s\S]*server simulator:8000;/);
    expect(upstream('simulator').trim()).toBe('server simulator:8000;');
    expect(target('/')).toBe('replicas');
    expect(target('= /ws')).toBe('simulator');
    expect(target('/api/simulation/')).toBe('simulator');
    expect(target('/api/tasks/placement')).toBe('simulator');
    expect(target('~ ^/api/(status|start|stop|pause|resume|history)$')).toBe('simulator');
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
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    replicas?: number;
    strategy?: { type: string };
    selector: { matchLabels: Record<string, string> } | Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    ports?: { port: number; targetPort: string | number }[];
    maxUnavailable?: number;
    minAvailable?: number;
  };
}

describe('docs/deploy/k8s', () => {
  const manifests = readdirSync(path.join(DEPLOY, 'k8s'))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(read(`k8s/${f}`)) as Manifest[]);
  const find = (kind: string, name: string) => {
    const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const api = find('Deployment', 'hybrid-ml-scheduler');
  const simulator = find('Deployment', 'hybrid-ml-scheduler-simulator');
  const podLabels = (d: Manifest) => d.spec.template!.metadata.labels;
  const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  it('runs three API replicas, and one pod that simulates, never two at once', () => {
    expect(api.spec.replicas).toBe(3);
    expect(simulator.spec.replicas).toBe(1);
    expect(simulator.spec.strategy?.type).toBe('Recreate');
    const env = (d: Manifest) => Object.fromEntries(d.spec.template!.spec.containers[0].env.map((e) => [e.name, e.value]));
    expect(env(api)).toMatchObject({ SIM_AUTOSTART: 'false', SIM_RESUME: 'false' });
    expect(env(simulator)).toMatchObject({ SIM_AUTOSTART: 'true', SIM_RESUME: 'true' });
  });

  it.each(['hybrid-ml-scheduler', 'hybrid-ml-scheduler-simulator'])('%s: probes /health for liveness and start-up, /ready for readiness, on its port', (name) => {
    const [container] = find('Deployment', name).spec.template!.spec.containers;
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000 }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources.limits.memory).toEqual(expect.any(String));
  });

  it.each(['hybrid-ml-scheduler', 'hybrid-ml-scheduler-simulator'])('%s: takes DATABASE_URL, REDIS_URL and API_KEY from the Secret, and the service accepts its environment', (name) => {
    const secret = find('Secret', 'hybrid-ml-scheduler') as unknown as { stringData: Record<string, string> };
    const [container] = find('Deployment', name).spec.template!.spec.containers;
    const fromSecret = container.env.filter((e) => e.valueFrom);
    expect(fromSecret.map((e) => [e.name, e.valueFrom!.secretKeyRef]).sort()).toEqual(SECRET_VARIABLES.map((k) => [k, { name: 'hybrid-ml-scheduler', key: k }]));
    expect(Object.keys(secret.stringData).sort()).toEqual(SECRET_VARIABLES);
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? SAMPLE_SECRETS[e.name]]));
    expect(Object.keys(env).filter((k) => !KNOWN_VARIABLES.has(k))).toEqual([]);
    expect(() => validateEnv({ ...env, NODE_ENV: 'production' })).not.toThrow();
  });

  it('selects each Deployment’s own pods, and the API Service and disruption budget select the API pods', () => {
    for (const d of deployments) expect(selects((d.spec.selector as { matchLabels: Record<string, string> }).matchLabels, podLabels(d))).toBe(true);
    const service = find('Service', 'hybrid-ml-scheduler');
    expect(selects(service.spec.selector as Record<string, string>, podLabels(api))).toBe(true);
    expect(selects(service.spec.selector as Record<string, string>, podLabels(simulator))).toBe(false);
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
    const simulatorService = find('Service', 'hybrid-ml-scheduler-simulator');
    expect(selects(simulatorService.spec.selector as Record<string, string>, podLabels(simulator))).toBe(true);
    expect(selects(simulatorService.spec.selector as Record<string, string>, podLabels(api))).toBe(false);
  });

  it('lets a voluntary disruption take at most one API pod at a time', () => {
    const pdb = find('PodDisruptionBudget', 'hybrid-ml-scheduler');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.maxUnavailable ?? (api.spec.replicas ?? 1) - (pdb.spec.minAvailable ?? 0)).toBe(1);
    expect(selects((pdb.spec.selector as { matchLabels: Record<string, string> }).matchLabels, podLabels(api))).toBe(true);
  });
});
