import { EnvironmentVariables, InvalidEnvironmentError, validateEnv } from './env.schema.js';

describe(validateEnv.name, () => {
  it('gives every default when nothing is set', () => {
    const sut = validateEnv({});
    expect(sut).toBeInstanceOf(EnvironmentVariables);
    expect(sut).toMatchObject({
      PORT: 8000,
      DB_POOL_SIZE: 10,
      DB_MIGRATIONS_RUN: true,
      CACHE_TTL_S: 5,
      SIM_AUTOSTART: true,
      SIM_TICK_MS: 500,
      SIM_SEED: 42,
      THROTTLE_LIMIT: 1000,
      THROTTLE_TTL_S: 60,
      LOG_LEVEL: 'info',
    });
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut.REDIS_URL).toBeUndefined();
    expect(sut.API_KEY).toBeUndefined();
  });

  it('converts strings to numbers and booleans', () => {
    const sut = validateEnv({ PORT: '9000', SIM_AUTOSTART: 'false', DB_MIGRATIONS_RUN: '0', SIM_TICK_MS: '0' });
    expect(sut).toMatchObject({ PORT: 9000, SIM_AUTOSTART: false, DB_MIGRATIONS_RUN: false, SIM_TICK_MS: 0 });
  });

  it('takes RETAIN_DAYS in fractions of a day (0 keeps everything)', () => {
    expect(validateEnv({ RETAIN_DAYS: '0.01' }).RETAIN_DAYS).toBe(0.01);
    expect(validateEnv({ RETAIN_DAYS: '0' }).RETAIN_DAYS).toBe(0);
    expect(validateEnv({}).RETAIN_DAYS).toBe(7);
  });

  it('treats an empty value as unset', () => {
    expect(validateEnv({ DATABASE_URL: '', REDIS_URL: '', API_KEY: '' })).toMatchObject({ DATABASE_URL: undefined, REDIS_URL: undefined, API_KEY: undefined });
  });

  it('names the variable, its value and what it must be', () => {
    expect(() => validateEnv({ PORT: 'abc' })).toThrow(new InvalidEnvironmentError('Invalid environment: PORT=abc: must be an integer 1-65535'));
  });

  it.each([
    ['PORT', '0'],
    ['PORT', '8000.5'],
    ['DB_POOL_SIZE', '0'],
    ['SIM_TICK_MS', '-1'],
    ['SIM_AUTOSTART', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['CACHE_TTL_S', '-1'],
    ['RETAIN_DAYS', '-1'],
    ['RETAIN_DAYS', 'a week'],
    ['RETAIN_DAYS', '1e3'],
    ['RETAIN_MODELS', '2.5'],
    ['RETAIN_PRUNE_MS', '-5'],
  ])('rejects %s=%s', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(`${name}=${value}: must be`);
  });

  it('refuses production without DATABASE_URL: no embedded database inside a container', () => {
    expect(() => validateEnv({ NODE_ENV: 'production', API_KEY: 'k' })).toThrow(
      new InvalidEnvironmentError('Invalid environment: DATABASE_URL: must be set when NODE_ENV=production (the embedded PostgreSQL is for development and tests)'),
    );
    expect(validateEnv({ NODE_ENV: 'production', API_KEY: 'k', DATABASE_URL: 'postgres://db/x' })).toMatchObject({ DATABASE_URL: 'postgres://db/x' });
    expect(validateEnv({ NODE_ENV: 'development' }).DATABASE_URL).toBeUndefined();
  });

  it('names both production requirements at once', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      'Invalid environment: DATABASE_URL: must be set when NODE_ENV=production (the embedded PostgreSQL is for development and tests), API_KEY: must be set when NODE_ENV=production',
    );
  });

  it('keeps the continuous run\'s retrain lag below its interval, and lets a batch run\'s span several', () => {
    expect(() => validateEnv({ SIM_RETRAIN_INTERVAL: '50', SIM_RETRAIN_LAG: '50' })).toThrow('SIM_RETRAIN_LAG=50: must be smaller than SIM_RETRAIN_INTERVAL (50)');
    expect(validateEnv({ SIM_BATCH_RETRAIN_INTERVAL: '1000', SIM_BATCH_RETRAIN_LAG: '4000' })).toMatchObject({ SIM_BATCH_RETRAIN_LAG: 4000 });
    expect(validateEnv({})).toMatchObject({ SIM_RETRAIN_LAG: 10, SIM_BATCH_RETRAIN_LAG: 2000 });
  });
});
