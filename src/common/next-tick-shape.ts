import { createHook } from 'node:async_hooks';

let pinned: object | undefined;

/**
 * Keeps one process.nextTick queue entry alive for the life of the process, so that the server
 * does not slow down after its first few full garbage collections.
 *
 * Node builds every nextTick entry with an object literal whose first two keys are computed
 * (its async id symbols). V8 keeps the maps (hidden classes) such an object passes through only
 * while some object has them. A full collection that finds the tick queue empty frees them, and
 * the next nextTick makes new ones. After a few collections the literal's inline cache has seen
 * too many maps and goes megamorphic. From then on every nextTick, several per HTTP request,
 * defines its properties in V8's runtime: measured here after six full collections, a request to
 * /health or the cached leaderboard took a quarter more CPU time than on a fresh process.
 * Holding one entry keeps its maps, and the cache stays monomorphic.
 *
 * The entry is caught with nextTickEntry(). Idempotent; returns the entry, or undefined if this
 * Node does not report one.
 */
export function pinNextTickShape(): object | undefined {
  return (pinned ??= nextTickEntry());
}

/**
 * A new process.nextTick queue entry, caught with a one-off async hook (its init callback is the
 * only place where Node hands a tick entry out), which is disabled again at once.
 */
export function nextTickEntry(): object | undefined {
  let entry: object | undefined;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') entry ??= resource;
    },
  }).enable();
  try {
    process.nextTick(() => undefined);
  } finally {
    hook.disable();
  }
  return entry;
}
