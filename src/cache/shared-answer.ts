// Answers served from the in-process cache go out to many requests as the same object. They are
// frozen, so that no caller can change what the next request gets.

const shared = new WeakSet<object>();

function deepFreeze(value: unknown): void {
  // Typed arrays and buffers cannot be frozen (answers hold none; JSON would not keep them anyway).
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** Marks `value` as an answer many requests share: frozen, all the way down. */
export function share<T extends object>(value: T): T {
  if (!shared.has(value)) {
    deepFreeze(value);
    shared.add(value);
  }
  return value;
}

/** Whether `value` is an answer many requests share (see share). */
export function isShared(value: unknown): value is object {
  return typeof value === 'object' && value !== null && shared.has(value);
}
