// Answers served from the in-process cache go out to many requests as the same object. They are
// frozen, so that no caller can change what the next request gets, and serialised once.

// A shared answer, and its JSON once it has been serialised (null before), as UTF-8 bytes: each
// request then writes them as they are, with no encoding pass and no byte count over a string.
const shared = new WeakMap<object, Buffer | null>();

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
    shared.set(value, null);
  }
  return value;
}

/** Whether `value` is an answer many requests share (see share). */
export function isShared(value: unknown): value is object {
  return typeof value === 'object' && value !== null && shared.has(value);
}

/** The reply serializer: JSON.stringify, computed once per shared answer (and kept as bytes). */
export function serializeReply(payload: unknown): string | Buffer {
  if (typeof payload !== 'object' || payload === null) return JSON.stringify(payload);
  const memo = shared.get(payload);
  if (memo) return memo;
  const json = JSON.stringify(payload);
  if (memo === null) {
    const bytes = Buffer.from(json);
    shared.set(payload, bytes);
    return bytes;
  }
  return json;
}
