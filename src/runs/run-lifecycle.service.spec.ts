import { jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../config/env.schema.js';
import type { BatchRunsService } from './batch-runs.service.js';
import type { ContinuousRunService } from './continuous-run.service.js';
import type { Leadership, LeadershipHandlers } from './leadership/leadership.service.js';
import type { RunDataChanged, RunEvents } from './run-events.js';
import { RunLifecycle } from './run-lifecycle.service.js';
import type { RunsRepository } from './runs.repository.js';
import type { RunKind, RunStatus } from './simulation-run.entity.js';

type Unfinished = { id: number; kind: RunKind; status: RunStatus };

/** RunLifecycle over fakes that record, in one list, what was asked of each part and in which order. */
function harness(settings: { resume?: boolean; autostart?: boolean; unfinished?: Unfinished[]; stored?: number[]; leads?: boolean } = {}) {
  const calls: string[] = [];
  const stored = new Set(settings.stored ?? []);
  let continuous: { runId: number; running: boolean } | null = null;
  let nextId = 100;
  const runs = {
    findUnfinished: async () => settings.unfinished ?? [],
    delete: async (id: number) => {
      calls.push(`delete ${id}`);
      return stored.delete(id);
    },
    deleteAll: async () => {
      calls.push('deleteAll');
      const ids = [...stored];
      stored.clear();
      return ids;
    },
  };
  const cont = {
    get runId() {
      return continuous?.runId ?? null;
    },
    status: () => ({ isRunning: continuous?.running ?? false }),
    reopen: async (unfinished: Unfinished[]) => {
      const last = unfinished.filter((r) => r.kind === 'continuous').at(-1);
      calls.push(`reopen ${last?.id ?? 'none'}`);
      if (last) continuous = { runId: last.id, running: last.status === 'running' };
      return last !== undefined;
    },
    start: async () => {
      if (!continuous) continuous = { runId: nextId++, running: true };
      stored.add(continuous.runId);
      calls.push(`start ${continuous.runId}`);
    },
    stop: async () => {
      calls.push(`stop ${continuous?.runId ?? 'none'}`);
      continuous = null;
    },
  };
  const batches = {
    enqueue: async (id: number) => void calls.push(`enqueue ${id}`),
    cancel: async (id: number) => void calls.push(`cancel ${id}`),
    cancelAll: async () => void calls.push('cancelAll'),
    resumeQueue: () => calls.push('resumeQueue'),
  };
  const leadership = {
    isLeader: false,
    handlers: null as LeadershipHandlers | null,
    begin: async (handlers: LeadershipHandlers) => {
      leadership.handlers = handlers;
      leadership.isLeader = settings.leads ?? true;
      return leadership.isLeader;
    },
    ask: async (command: string) => {
      calls.push(`ask leader: ${command}`);
      return { runId: 1 };
    },
  };
  const events = { dataChanged: jest.fn(async (e: RunDataChanged) => void calls.push(`${e.change} ${e.runId}`)) };
  const env = { SIM_RESUME: settings.resume ?? true, SIM_AUTOSTART: settings.autostart ?? false } as Partial<EnvironmentVariables>;
  const config = { get: (key: keyof EnvironmentVariables) => env[key] } as unknown as ConfigService<EnvironmentVariables, true>;
  const lifecycle = new RunLifecycle(
    config,
    runs as unknown as RunsRepository,
    cont as unknown as ContinuousRunService,
    batches as unknown as BatchRunsService,
    events as unknown as RunEvents,
    leadership as unknown as Leadership,
  );
  // Without a bootstrap (most tests), this replica leads as a lone one does.
  leadership.isLeader = settings.leads ?? true;
  return { lifecycle, calls, stored, leadership };
}

describe('RunLifecycle', () => {
  describe('after a restart', () => {
    const unfinished: Unfinished[] = [
      { id: 1, kind: 'batch', status: 'running' },
      { id: 2, kind: 'continuous', status: 'paused' },
      { id: 3, kind: 'trace', status: 'queued' },
    ];

    it('queues the unfinished batch and trace runs in order and reopens the continuous one, not starting another', async () => {
      const { lifecycle, calls } = harness({ unfinished, autostart: true });
      await lifecycle.onApplicationBootstrap();
      expect(calls).toEqual(['enqueue 1', 'enqueue 3', 'reopen 2']);
    });

    it('starts a continuous run with SIM_AUTOSTART when none was left unfinished', async () => {
      const { lifecycle, calls } = harness({ unfinished: unfinished.filter((r) => r.kind !== 'continuous'), autostart: true });
      await lifecycle.onApplicationBootstrap();
      expect(calls).toEqual(['enqueue 1', 'enqueue 3', 'reopen none', 'start 100']);
    });

    it('on a replica that does not lead, queues the batch runs but leaves the continuous run to the leader', async () => {
      const { lifecycle, calls } = harness({ unfinished, autostart: true, leads: false });
      await lifecycle.onApplicationBootstrap();
      expect(calls).toEqual(['enqueue 1', 'enqueue 3']);
    });

    it('when elected later, reopens the newest unfinished continuous run (and starts none)', async () => {
      const { lifecycle, calls, leadership } = harness({ unfinished, autostart: true, leads: false });
      await lifecycle.onApplicationBootstrap();
      calls.length = 0;
      leadership.isLeader = true;
      await leadership.handlers!.elected();
      expect(calls).toEqual(['reopen 2']);
    });

    it('with SIM_RESUME=false carries nothing on', async () => {
      const { lifecycle, calls } = harness({ unfinished, resume: false, autostart: false });
      await lifecycle.onApplicationBootstrap();
      expect(calls).toEqual(['reopen none']);
    });
  });

  describe('delete', () => {
    it('stops the continuous run before its rows go, then announces the deletion', async () => {
      const { lifecycle, calls } = harness({ unfinished: [{ id: 7, kind: 'continuous', status: 'running' }], stored: [7] });
      await lifecycle.onApplicationBootstrap();
      calls.length = 0;
      await lifecycle.delete(7);
      expect(calls).toEqual(['stop 7', 'cancel 7', 'delete 7', 'deleted 7', 'resumeQueue']);
    });

    it('cancels a batch run, deletes it, and the queue goes on', async () => {
      const { lifecycle, calls } = harness({ stored: [4] });
      await lifecycle.delete(4);
      expect(calls).toEqual(['cancel 4', 'delete 4', 'deleted 4', 'resumeQueue']);
    });

    it('is a 404 for a run that does not exist, announcing nothing', async () => {
      const { lifecycle, calls } = harness();
      await expect(lifecycle.delete(5)).rejects.toMatchObject({ status: 404 });
      expect(calls).not.toContain('deleted 5');
    });
  });

  describe('commands for the continuous run', () => {
    it('go to the leader from a replica that does not lead', async () => {
      const { lifecycle, calls } = harness({ leads: false });
      await lifecycle.pause();
      await lifecycle.stop();
      expect(calls).toEqual(['ask leader: pause', 'ask leader: stop']);
    });

    it('are carried out here on the leader, also when another replica sent them', async () => {
      const { lifecycle, calls, leadership } = harness({ leads: true });
      await lifecycle.onApplicationBootstrap();
      calls.length = 0;
      await leadership.handlers!.command('start');
      await lifecycle.stop();
      expect(calls).toEqual(['start 100', 'stop 100']);
    });
  });

  describe('clear all', () => {
    it('stops everything, deletes every run, announces each, and starts a fresh continuous run when one was running', async () => {
      const { lifecycle, calls, stored } = harness({ stored: [1, 2] });
      await lifecycle.start();
      calls.length = 0;
      await lifecycle.clearAll();
      expect(calls).toEqual(['stop 100', 'cancelAll', 'deleteAll', 'deleted 1', 'deleted 2', 'deleted 100', 'start 101']);
      expect([...stored]).toEqual([101]);
    });

    it('leaves no continuous run when none was running', async () => {
      const { lifecycle, calls } = harness({ stored: [1] });
      await lifecycle.clearAll();
      expect(calls).toEqual(['stop none', 'cancelAll', 'deleteAll', 'deleted 1']);
    });

    it('shares one clear between concurrent requests', async () => {
      const { lifecycle, calls } = harness({ stored: [1] });
      await Promise.all([lifecycle.clearAll(), lifecycle.clearAll()]);
      expect(calls.filter((c) => c === 'deleteAll')).toHaveLength(1);
    });
  });
});
