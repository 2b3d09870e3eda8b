import { Global, Module } from '@nestjs/common';
import { RedisConnection } from './redis.connection.js';

/** The connections to REDIS_URL, for every module that uses Redis (cache, rate limit, readiness). */
@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
