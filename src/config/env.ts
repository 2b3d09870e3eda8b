import { existsSync } from 'node:fs';
import { validateEnv, type EnvironmentVariables } from './env.schema.js';

/**
 * The one place that reads process.env: everything else receives typed config.
 * A `.env` file in the working directory is read first when present; real variables win.
 */
export function readEnv(overrides: Record<string, string | undefined> = {}): EnvironmentVariables {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return validateEnv({ ...process.env, ...overrides });
}
