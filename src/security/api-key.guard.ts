import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import type { EnvironmentVariables } from '../config/env.schema.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const API_KEY_HEADER = 'x-api-key';

// Both sides hashed to 32 bytes: timingSafeEqual needs equal lengths, and the key's length leaks nothing.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** When API_KEY is set, every mutating route needs it in x-api-key; reads stay open. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    const key = config.get('API_KEY', { infer: true });
    this.expected = key ? digest(key) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!MUTATING.has(request.method)) return true;
    const given = request.headers[API_KEY_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), this.expected)) {
      throw new UnauthorizedException(`missing or wrong ${API_KEY_HEADER} header`);
    }
    return true;
  }
}
