import { randomUUID } from 'node:crypto';
import { Injectable, Logger, ServiceUnavailableException, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import pg from 'pg';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import { ADVISORY_LOCK_NAMESPACE, AdvisoryLockKey } from '../../database/advisory-locks.js';

const COMMANDS = 'hms_continuous_command';
const REPLIES = 'hms_continuous_reply';

/** A command for the continuous run, sent by any replica and carried out by the leader. */
export type ContinuousCommand = 'start' | 'stop' | 'pause' | 'resume';

export interface LeadershipHandlers {
  /** This replica has just become the leader (at start-up, or taking over from one that died). */
  elected(): Promise<void>;
  /** This replica is no longer the leader (its database session was lost): stop simulating, write nothing more. */
  deposed(): Promise<void>;
  /** Carries out a command another replica was sent; answers what the command answers there. */
  command(command: ContinuousCommand): Promise<unknown>;
}

interface Request {
  id: string;
  command: ContinuousCommand;
}

interface Reply {
  id: string;
  result?: unknown;
  error?: { status: number; message: string };
}

/**
 * Which replica leads the continuous run: the one holding a PostgreSQL advisory lock on a
 * database session of its own. Every replica keeps such a session: the followers try the lock
 * every poll (a fifth of SIM_LEADER_LEASE_MS), the leader runs a query as often, so that its
 * session is never idle. The session runs with idle_session_timeout = SIM_LEADER_LEASE_MS: a leader
 * that freezes (SIGSTOP, a stalled VM) or is cut off is disconnected by PostgreSQL, which frees the
 * lock for another replica; a leader that dies frees it at once. What an old leader might still
 * write is fenced off by the run's executor token (see RunsRepository.claim).
 *
 * Commands for the continuous run sent to a follower go to the leader over LISTEN/NOTIFY on the
 * same sessions, and the leader's answer comes back the same way.
 */
@Injectable()
export class Leadership implements OnApplicationShutdown {
  private readonly logger = new Logger(Leadership.name);
  private readonly url: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private leading = false;
  private handlers: LeadershipHandlers | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly waiting = new Map<string, { resolve: (reply: Reply) => void }>();

  constructor(config: ConfigService<EnvironmentVariables & { DATABASE_URL: string }, true>) {
    this.url = config.get('DATABASE_URL', { infer: true });
    this.leaseMs = config.get('SIM_LEADER_LEASE_MS', { infer: true });
    this.pollMs = Math.max(200, Math.floor(this.leaseMs / 5));
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Tries for the lead once, now; then keeps watching (followers try again every poll, the leader
   * keeps its session alive). Answers whether this replica leads; `elected` is called only for a
   * later election, not for this first one.
   */
  async begin(handlers: LeadershipHandlers): Promise<boolean> {
    this.handlers = handlers;
    const leading = await this.tryLead().catch((e: Error) => {
      this.logger.warn(`leadership: ${e.message}; trying again in ${this.pollMs} ms`);
      return false;
    });
    this.schedule();
    return leading;
  }

  /**
   * Has the leader carry out `command` and answers its result. 503 when no replica leads within
   * twice the lease (a leader that died is being replaced).
   */
  async ask(command: ContinuousCommand): Promise<unknown> {
    const client = await this.connect();
    const request: Request = { id: randomUUID(), command };
    const reply = await new Promise<Reply | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(request.id);
        resolve(null);
      }, 2 * this.leaseMs);
      this.waiting.set(request.id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      client.query('SELECT pg_notify($1, $2)', [COMMANDS, JSON.stringify(request)]).catch(() => undefined);
    });
    if (!reply) throw new ServiceUnavailableException('no replica leads the continuous run right now (one that died is being replaced); try again');
    if (reply.error) throw new ServiceUnavailableException(reply.error.message);
    return reply.result;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    const client = this.client;
    this.client = null;
    this.leading = false;
    // Ending the session frees the lock: another replica takes over at its next poll.
    await client?.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => this.schedule());
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    try {
      if (this.leading && this.client) {
        // Keeps the session from idling out; fails when PostgreSQL ended it.
        await this.client.query('SELECT 1');
      } else if (this.leading) {
        // The session holding the lead was lost: whether the lead was too, the lock now says.
        if (await this.tryLead()) {
          this.logger.log('this replica kept the lead of the continuous run');
          return;
        }
        this.leading = false;
        this.logger.warn('this replica lost the lead of the continuous run to another; it stops simulating');
        await this.handlers?.deposed();
      } else if (await this.tryLead()) {
        this.logger.log('this replica now leads the continuous run');
        await this.keptAlive(this.handlers?.elected());
      }
    } catch (e) {
      await this.lost(e as Error);
    }
  }

  /**
   * Waits for `work` while keeping the session busy: taking the run over (its worker thread
   * starting, its checkpoint restored) may last longer than a lease on a loaded machine, and
   * PostgreSQL would end the idle session, and with it the lead.
   */
  private async keptAlive(work: Promise<void> | undefined): Promise<void> {
    const timer = setInterval(() => void this.client?.query('SELECT 1').catch(() => undefined), this.pollMs);
    try {
      await work;
    } finally {
      clearInterval(timer);
    }
  }

  private async tryLead(): Promise<boolean> {
    const client = await this.connect();
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [ADVISORY_LOCK_NAMESPACE, AdvisoryLockKey.continuousLeader]);
    if (!rows[0].locked) return false;
    await client.query(`LISTEN ${COMMANDS}`);
    this.leading = true;
    return true;
  }

  /**
   * The session is gone, and with it the lock. A leader goes on simulating until it knows whether
   * another replica took over (its next poll tries the lock again): through a database outage no
   * other can, and should one, what this replica still writes is fenced off.
   */
  private async lost(error: Error): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.logger.warn(`leadership: the session ${this.leading ? 'holding the lead ' : ''}was lost (${error.message}); trying again in ${this.pollMs} ms`);
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      // Bounded: a database that went silent must neither hold a poll nor the shutdown up.
      const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: 'hms-leadership', connectionTimeoutMillis: this.leaseMs, query_timeout: this.leaseMs });
      client.on('error', (e: Error) => {
        if (this.client === client) void this.lost(e);
      });
      client.on('notification', (message) => this.onNotification(message));
      await client.connect();
      try {
        // A session that says nothing for a lease is ended by PostgreSQL (PostgreSQL 14 and later).
        await client.query(`SET idle_session_timeout = ${this.leaseMs}`);
      } catch (e) {
        this.logger.warn(`leadership: idle_session_timeout is not available (${(e as Error).message}): a frozen leader keeps the lead until its connection drops`);
      }
      await client.query(`LISTEN ${REPLIES}`);
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private onNotification({ channel, payload }: pg.Notification): void {
    if (!payload) return;
    if (channel === REPLIES) {
      const reply = JSON.parse(payload) as Reply;
      this.waiting.get(reply.id)?.resolve(reply);
      this.waiting.delete(reply.id);
      return;
    }
    if (channel === COMMANDS && this.leading && this.handlers) void this.carryOut(JSON.parse(payload) as Request);
  }

  private async carryOut(request: Request): Promise<void> {
    let reply: Reply;
    try {
      reply = { id: request.id, result: await this.handlers!.command(request.command) };
    } catch (e) {
      reply = { id: request.id, error: { status: 503, message: (e as Error).message } };
    }
    await this.client?.query('SELECT pg_notify($1, $2)', [REPLIES, JSON.stringify(reply)]).catch(() => undefined);
  }
}
