import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

interface LockEntry {
  version?: string;
  engines?: Record<string, string> | string[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T;

const project = readJson<{ engines: { node: string } }>('package.json');
const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json');

// A package whose engines exclude the oldest Node the project supports makes `npm ci` warn
// EBADENGINE there, and may use language or runtime features that Node does not have.
describe('package-lock.json engines', () => {
  const minimum = semver.minVersion(project.engines.node);

  it('declares a minimum Node version', () => {
    expect(minimum?.version).toBe('20.19.0');
  });

  it('holds no package whose engines.node excludes the project\'s minimum Node version', () => {
    const excluding = Object.entries(lock.packages)
      .filter(([key]) => key !== '')
      // An old package may give engines as an array of strings; npm reads only the object form.
      .map(([key, entry]) => ({ key, range: Array.isArray(entry.engines) ? undefined : entry.engines?.node, version: entry.version }))
      .filter(({ range }) => range !== undefined && !semver.satisfies(minimum!, range, { includePrerelease: true }))
      .map(({ key, range, version }) => `${key.replace(/^.*node_modules\//, '')}@${version} wants node ${range}`);
    expect(excluding).toEqual([]);
  });
});
