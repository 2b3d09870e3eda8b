import { Logger } from '@nestjs/common';
import { createApp } from './app.setup.js';
import { InvalidEnvironmentError } from './config/env.schema.js';
import { readEnv } from './config/env.js';
import { EmbeddedPortInUseError, startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { createRootLogger, PinoNestLogger } from './observability/logger.js';

async function bootstrap(): Promise<void> {
  const env = readEnv();
  // JSON on stdout from the first line on, embedded PostgreSQL start-up included.
  const pino = createRootLogger(env.LOG_LEVEL);
  Logger.overrideLogger(new PinoNestLogger(pino));
  const logger = new Logger('Bootstrap');
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    logger.log(`DATABASE_URL unset: starting embedded PostgreSQL in ${env.EMBEDDED_PG_DIR} on port ${env.EMBEDDED_PG_PORT}`);
    embedded = await startEmbeddedPostgres(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT);
  }
  const app = await createApp({ env, databaseUrl: env.DATABASE_URL ?? embedded!.url }, pino).catch(async (e: unknown) => {
    await embedded?.stop();
    throw e;
  });

  // Shutdown order: readiness drops (destroy hooks), buffers flush, the server drains, the pool
  // closes, and only then the embedded cluster stops; exit code 0 for an orderly stop.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    try {
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (e) {
      logger.error(`shutdown failed: ${(e as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));

  await app.listen(env.PORT, env.HOST);
  logger.log(`listening on http://localhost:${env.PORT} (API docs at /docs)`);
}

bootstrap().catch((e: unknown) => {
  // A bad environment or a taken port is the operator's to fix: say what, without a stack.
  console.error(e instanceof InvalidEnvironmentError || e instanceof EmbeddedPortInUseError ? e.message : e);
  process.exit(1);
});
