import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
/** An integer variable within [min, max], converted from its string, with one message for every way it can be wrong. */
function IntRange(min: number, max: number): PropertyDecorator {
  const message = `must be an integer ${min}-${max}`;
  return applyDecorators(Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

/** A number within [min, max] (fractions allowed), converted from its string. */
function NumberRange(min: number, max: number): PropertyDecorator {
  const message = `must be a number ${min}-${max}`;
  const toNumber = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);
  return applyDecorators(Transform(toNumber), IsNumber({ allowNaN: false, allowInfinity: false }, { message }), Min(min, { message }), Max(max, { message }));
}

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the service reads, with its default. Validated once at boot;
 * `.env.example` documents the same list.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntRange(1, 65535)
  PORT = 8000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IntRange(1, 100)
  DB_POOL_SIZE = 10;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DB_MIGRATIONS_RUN = true;

  @IsString()
  EMBEDDED_PG_DIR = '.data/pg';

  @IntRange(1, 65535)
  EMBEDDED_PG_PORT = 15432;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  // 0 turns caching off: every read is computed from PostgreSQL.
  @IntRange(0, 86400)
  CACHE_TTL_S = 5;

  @IntRange(10, 5000)
  CACHE_TIMEOUT_MS = 200;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SIM_AUTOSTART = true;

  @IntRange(0, 60000)
  SIM_TICK_MS = 500;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SIM_RESUME = true;

  /**
   * With several replicas on one database, one leads the continuous run. A leader whose database
   * session has been silent this long (frozen, or cut off) loses the lead; another takes over
   * within about this long plus one poll (a fifth of it).
   */
  @IntRange(1000, 600000)
  SIM_LEADER_LEASE_MS = 5000;

  @IntRange(0, 2147483647)
  SIM_SEED = 42;

  @IntRange(1, 100000)
  SIM_FLUSH_TASKS = 500;

  @IntRange(10, 60000)
  SIM_FLUSH_MS = 1000;

  @IntRange(1, 100000)
  SIM_WINDOW_TASKS = 100;

  @IntRange(1, 1000000)
  SIM_CHECKPOINT_TASKS = 5000;

  // A slow run (the continuous one at its tick) also saves its state this often, so a restart replays little.
  @IntRange(1000, 3600000)
  SIM_CHECKPOINT_MS = 60000;

  @IntRange(1, 100000)
  SIM_RETRAIN_INTERVAL = 50;

  // Retention of the continuous run (batch and trace runs are kept until deleted): raw tasks,
  // results and training rows older than RETAIN_DAYS (fractions allowed; 0 keeps them all) are
  // deleted in batches every RETAIN_PRUNE_MS (0: no timer) by the replica leading it; the model
  // JSON of the last RETAIN_MODELS versions (0 keeps all) and of every RETAIN_MODELS_EVERYth
  // (0: none) stays, the metadata of every version stays.
  @NumberRange(0, 36500)
  RETAIN_DAYS = 7;

  @IntRange(0, 1000000)
  RETAIN_MODELS = 20;

  @IntRange(0, 1000000)
  RETAIN_MODELS_EVERY = 100;

  @IntRange(0, 86400000)
  RETAIN_PRUNE_MS = 60000;

  @IntRange(1, 100000)
  SIM_BATCH_RETRAIN_INTERVAL = 1000;

  @IntRange(0, 100000)
  SIM_RETRAIN_LAG = 10;

  @IntRange(0, 1000000)
  SIM_BATCH_RETRAIN_LAG = 2000;

  // This replica takes batch runs and trace replays from the queue; false = it only serves HTTP (and still enqueues).
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SIM_WORKER = true;

  // Each run being executed (batch, trace replay, the continuous run) steps in its own worker thread (the main thread writes); false = on the main thread.
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SIM_WORKER_THREADS = true;

  // Batch runs and trace replays this replica executes at once.
  @IntRange(1, 64)
  SIM_WORKER_CONCURRENCY = 1;

  // Prefix of the run queue's Redis keys; empty = derived from the database name, so replicas of one
  // deployment (one database) share a queue and other deployments on the same Redis never see its jobs.
  @Matches(/^[A-Za-z0-9_.-]*$/, { message: 'must be letters, digits, _ . or -' })
  SIM_QUEUE_PREFIX = '';

  @IsString()
  CORS_ORIGINS = 'http://localhost:3000,http://localhost:5173';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  API_KEY?: string;

  @IntRange(1, 1000000)
  THROTTLE_LIMIT = 1000;

  @IntRange(1, 3600)
  THROTTLE_TTL_S = 60;

  // Behind a load balancer or ingress: take the client address from X-Forwarded-For (rate limits, logs).
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  TRUST_PROXY = false;

  // The HTTP fast paths (src/http/fast-path): off, the same answers through Nest and the libraries alone.
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  HTTP_FAST_PATH = true;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}

/** Thrown at boot when a variable has a value the service cannot use. */
export class InvalidEnvironmentError extends Error {
  readonly code = 'CONFIG.INVALID_ENVIRONMENT';
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {});
    // Several constraints often share one message ("must be an integer 1-65535"): say it once.
    const reason = [...new Set(reasons)].join('; ');
    return `${e.property}=${String(raw[e.property])}: ${reason}`;
  });
}

/** Validates raw variables (strings) into typed config, or throws naming every bad variable. */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables());
  const picked: Record<string, unknown> = {};
  for (const key of [...known, 'DATABASE_URL', 'REDIS_URL', 'API_KEY']) {
    if (raw[key] !== undefined) picked[key] = raw[key];
  }
  const config = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: false });
  const problems = [...describe(errors, picked), ...crossChecks(config)];
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(`Invalid environment: ${problems.join(', ')}`);
  }
  return config;
}

function crossChecks(c: EnvironmentVariables): string[] {
  const problems: string[] = [];
  // A production deployment (a container) brings its own PostgreSQL: the embedded one would keep the data
  // inside the container, and the production image does not install it.
  if (c.NODE_ENV === 'production' && !c.DATABASE_URL) {
    problems.push('DATABASE_URL: must be set when NODE_ENV=production (the embedded PostgreSQL is for development and tests)');
  }
  // An open write API in production is a misconfiguration, not a default.
  if (c.NODE_ENV === 'production' && !c.API_KEY) problems.push('API_KEY: must be set when NODE_ENV=production');
  // Without Redis the queue is this process's own: nothing else would ever execute its runs.
  if (c.SIM_WORKER === false && !c.REDIS_URL) problems.push('SIM_WORKER=false: needs REDIS_URL (without Redis this process is the only one that can execute runs)');
  // Checkpoints must fall on window and retrain boundaries, and a model must take effect before the
  // next retrain is due, so that a run resumed from a checkpoint replays exactly.
  if (!Number.isInteger(c.SIM_CHECKPOINT_TASKS)) return problems;
  for (const name of ['SIM_WINDOW_TASKS', 'SIM_RETRAIN_INTERVAL', 'SIM_BATCH_RETRAIN_INTERVAL'] as const) {
    if (Number.isInteger(c[name]) && c.SIM_CHECKPOINT_TASKS % c[name] !== 0) {
      problems.push(`SIM_CHECKPOINT_TASKS=${c.SIM_CHECKPOINT_TASKS}: must be a multiple of ${name} (${c[name]})`);
    }
  }
  if (Number.isInteger(c.SIM_RETRAIN_LAG) && c.SIM_RETRAIN_LAG >= c.SIM_RETRAIN_INTERVAL) {
    problems.push(`SIM_RETRAIN_LAG=${c.SIM_RETRAIN_LAG}: must be smaller than SIM_RETRAIN_INTERVAL (${c.SIM_RETRAIN_INTERVAL})`);
  }
  return problems;
}
