import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ModelInfo } from '../engine/index.js';
import type { SimulationUpdateMessage } from '../live/live-messages.js';
import type { RunKind } from './simulation-run.entity.js';

/** Published after a run was created, after every committed flush of its rows, and after it was deleted. */
export const RUN_DATA_CHANGED = 'run.data-changed';
/** Each task the continuous run steps (not its replay after a restart). */
export const RUN_TASK = 'run.task';
/** Each model the continuous run installs. */
export const RUN_RETRAIN = 'run.retrain';

export interface RunDataChanged {
  runId: number;
  change: 'created' | 'written' | 'deleted';
  /** The run's kind when it was created (null when not known, on deletes). */
  kind: RunKind | null;
}

export interface TaskEvent {
  runId: number;
  /**
   * The dashboard's message for this task: built when called (the engine on this thread has
   * moved on by then, as the feed only sends the latest task), or built by the run's worker thread.
   */
  update: () => SimulationUpdateMessage;
}

export interface RetrainEvent {
  runId: number;
  info: ModelInfo;
}

type Listeners = {
  [RUN_DATA_CHANGED]: RunDataChanged;
  [RUN_TASK]: TaskEvent;
  [RUN_RETRAIN]: RetrainEvent;
};

const logger = new Logger('RunEvents');

/**
 * Subscribes to a run event; call it from onModuleInit. (Listeners declared with @OnEvent are
 * attached at application bootstrap, after the runs module has resumed its runs, so they would
 * miss the first events.) A listener that throws is logged: it never stops a run.
 */
export function onRunEvent<E extends keyof Listeners>(emitter: EventEmitter2, event: E, listener: (payload: Listeners[E]) => unknown): void {
  emitter.on(event, (payload: Listeners[E]) => {
    try {
      const result = listener(payload);
      return result instanceof Promise ? result.catch((e: Error) => logger.error(`${event}: ${e.message}`, e.stack)) : result;
    } catch (e) {
      logger.error(`${event}: ${(e as Error).message}`, (e as Error).stack);
      return undefined;
    }
  });
}

/**
 * What the runs module announces, on @nestjs/event-emitter's bus. Its subscribers (onRunEvent):
 * the read cache and the continuous-run memo (RunScope) on run data changed, and the live feed on
 * all three.
 */
@Injectable()
export class RunEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  /** Resolves once every subscriber has handled it (the read cache has moved its run's version). */
  async dataChanged(event: RunDataChanged): Promise<void> {
    await this.emitter.emitAsync(RUN_DATA_CHANGED, event);
  }

  task(event: TaskEvent): void {
    this.emitter.emit(RUN_TASK, event);
  }

  retrain(event: RetrainEvent): void {
    this.emitter.emit(RUN_RETRAIN, event);
  }
}
