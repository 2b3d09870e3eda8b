import { DataSource } from 'typeorm';
import { databaseUrl as onServer, query } from './support/database.js';
import { useTestApp } from './support/test-app.js';

// The helper every in-process suite builds on: what it sets up, and that it leaves nothing behind.
describe(useTestApp.name, () => {
  let name = '';

  describe('during the suite', () => {
    const sut = useTestApp('test_app', {}, { proxy: true, routes: true });

    it('serves the app on a database of its own, reached through the proxy, with its route table', async () => {
      name = new URL(sut.databaseUrl).pathname.slice(1);
      expect(name).toMatch(/^test_app_/);
      expect((await fetch(`${sut.url}/ready`)).status).toBe(200);
      const appDatabase = new URL((sut.app.get(DataSource).options as { url: string }).url);
      expect({ port: appDatabase.port, name: appDatabase.pathname.slice(1) }).toEqual({ port: String(sut.proxy.port), name });
      expect(sut.routes.some((r) => r.method === 'GET' && r.url === '/ready')).toBe(true);
    });
  });

  describe('after the suite', () => {
    it('has dropped the database', async () => {
      expect(name).not.toBe('');
      expect(await query(onServer('postgres'), 'SELECT datname FROM pg_database WHERE datname = $1', [name])).toEqual([]);
    });
  });
});
