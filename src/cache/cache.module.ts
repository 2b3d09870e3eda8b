import { Global, Module } from '@nestjs/common';
import { CacheService } from './cache.service.js';
import { RunCacheService } from './run-cache.service.js';

@Global()
@Module({ providers: [CacheService, RunCacheService], exports: [CacheService, RunCacheService] })
export class CacheModule {}
