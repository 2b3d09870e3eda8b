import { isShared } from '../../cache/shared-answer.js';

// The JSON of each shared answer once it has been serialised, as UTF-8 bytes: each request then
// writes them as they are, with no encoding pass and no byte count over a string.
const bytesOf = new WeakMap<object, Buffer>();

/** The reply serializer: JSON.stringify, computed once per shared answer (see share) and kept as bytes. */
export function serializeReply(payload: unknown): string | Buffer {
  if (!isShared(payload)) return JSON.stringify(payload);
  let bytes = bytesOf.get(payload);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(payload));
    bytesOf.set(payload, bytes);
  }
  return bytes;
}
