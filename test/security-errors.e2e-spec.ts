import type { ArgumentsHost } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HttpExceptionFilter } from '../src/common/http-exception.filter.js';
import { createDatabase, dropDatabase } from './support/database.js';
import { call, expectErrorShape } from './support/http-call.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_KEY = 'k3y-for-the-security-suite';

/** Runs an error through the one filter as Nest would, returning the status and body it sends. */
function filtered(exception: unknown): { status: number; body: any } {
  const sent = { status: 0, body: undefined as unknown };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const request = { id: 'req-filter', method: 'POST', url: '/x' };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent as { status: number; body: any };
}


describe('error shape', () => {
  let databaseUrl: string;
  let sut: TestApp;

  beforeAll(async () => {
    databaseUrl = await createDatabase('security_errors');
    sut = await startTestApp(databaseUrl, { API_KEY });
  });

  afterAll(async () => {
    await sut?.close();
    await dropDatabase(databaseUrl);
  });

  it('answers an oversized body with 413 in the error shape', async () => {
    const body = JSON.stringify({ name: 'big', padding: 'x'.repeat(21 * 1024 * 1024) });
    const res = await call(`${sut.url}/api/simulation/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'x-request-id': 'too-big-1' },
      body,
    });
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 413, 'too-big-1');
    expect(res.body.error).toBe('Payload Too Large');
    expect(res.headers.get('x-request-id')).toBe('too-big-1');
  });

  it('maps a real unique violation to 409 and an invalid text representation to 400, without SQL', async () => {
    const dataSource = sut.app.get(DataSource);
    const duplicate = await dataSource
      .query(`INSERT INTO simulation_state (id, name, kind, status, seed, config) VALUES (990001, 'a', 'batch', 'completed', 1, '{}'), (990001, 'b', 'batch', 'completed', 1, '{}')`)
      .catch((e: unknown) => e);
    const conflict = filtered(duplicate);
    expect(conflict.status).toBe(409);
    expectErrorShape(conflict.body, 409, 'req-filter');
    expect(conflict.body).toMatchObject({ error: 'Conflict', message: ['already exists'] });

    const malformed = await dataSource.query(`SELECT 'abc'::int`).catch((e: unknown) => e);
    const bad = filtered(malformed);
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 400, 'req-filter');
    for (const body of [conflict.body, bad.body]) expect(JSON.stringify(body)).not.toMatch(/INSERT|SELECT|simulation_state|duplicate key/i);
  });

  it('answers an unexpected failure with a bare 500: no stack, no message of its own', () => {
    const res = filtered(new Error('relation "secret_table" does not exist at SELECT * FROM secret_table'));
    expect(res.status).toBe(500);
    expectErrorShape(res.body, 500, 'req-filter');
    expect(res.body.message).toEqual(['Internal server error']);
  });
});
