import type { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../config/env.schema.js';
import { RedisConnection } from '../redis/redis.connection.js';
import { LiveRelay } from './live-relay.service.js';
import { liveKeyPrefix } from './live-redis.js';

function relay(env: Record<string, string>): LiveRelay {
  // Only what the test gives: never the runner's own REDIS_URL (new ConfigService(env) falls back to process.env).
  const config = { get: (key: string) => env[key] } as unknown as ConfigService<EnvironmentVariables, true>;
  return new LiveRelay(config, new RedisConnection(config));
}

describe(LiveRelay.name, () => {
  describe('without REDIS_URL', () => {
    it('hands each message straight to this replica', () => {
      const sut = relay({ DATABASE_URL: 'postgres://u@db:5432/scheduler' });
      const delivered: string[] = [];
      sut.start((text) => delivered.push(text));
      sut.publish('{"type":"notification","message":"a"}');
      sut.publish('{"type":"notification","message":"b"}');
      expect(sut.backend).toBe('local');
      expect(delivered).toEqual(['{"type":"notification","message":"a"}', '{"type":"notification","message":"b"}']);
    });

    it('listens only while this replica has clients', () => {
      const sut = relay({ DATABASE_URL: 'postgres://u@db:5432/scheduler' });
      sut.start(() => undefined);
      sut.clientsChanged(1);
      expect(sut.listening(0)).toBe(false);
      expect(sut.listening(1)).toBe(true);
    });
  });

  it('names its channel and presence key after the database', () => {
    expect(liveKeyPrefix('postgres://u:p@db:5432/scheduler?sslmode=require')).toBe('live-feed:scheduler');
    expect(liveKeyPrefix('postgres://u@db:5432/my%20db')).toBe('live-feed:my db');
    expect(liveKeyPrefix('postgres://u@db:5432')).toBe('live-feed:postgres');
  });
});
