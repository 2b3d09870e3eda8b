import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitStorage } from './rate-limit.storage.js';

/** Rate limiting per client IP (THROTTLE_LIMIT per THROTTLE_TTL_S) and the API key on mutating routes. */
@Module({
  // Guards run in this order: a flood is refused before its key is even checked.
  providers: [RateLimitStorage, RateLimitGuard, { provide: APP_GUARD, useExisting: RateLimitGuard }, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [RateLimitStorage, RateLimitGuard],
})
export class SecurityModule {}
