import { InvalidModelError } from './ml-errors.js';

// Typed arrays travel as base64 of their little-endian bytes: exact (keeps -0 and every bit) and a third
// the size of a JSON number list.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes a typed array's bytes as base64. */
export function encodeArray(array: Float64Array | Int32Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function decodeBytes(value: unknown, field: string, byteLength: number): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new InvalidModelError(`${field} must be a base64 string`);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== byteLength) {
    throw new InvalidModelError(`${field} holds ${bytes.length} bytes, expected ${byteLength}`);
  }
  // Copy into a fresh, aligned buffer (Buffer's pool offsets need not be multiples of 8).
  const out = new Uint8Array(byteLength);
  out.set(bytes);
  return out;
}

/** Decodes a base64 Float64Array of exactly `length` finite values. */
export function decodeFloat64(value: unknown, field: string, length: number): Float64Array {
  const out = new Float64Array(decodeBytes(value, field, length * 8).buffer);
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(out[i])) throw new InvalidModelError(`${field}[${i}] is not finite`);
  }
  return out;
}

/** Decodes a base64 Int32Array of exactly `length` values in [min, max]. */
export function decodeInt32(value: unknown, field: string, length: number, min: number, max: number): Int32Array {
  const out = new Int32Array(decodeBytes(value, field, length * 4).buffer);
  for (let i = 0; i < length; i++) {
    if (out[i] < min || out[i] > max) throw new InvalidModelError(`${field}[${i}] is out of range`);
  }
  return out;
}

/** Decodes a base64 Uint8Array of exactly `length` values. */
export function decodeUint8(value: unknown, field: string, length: number): Uint8Array {
  return decodeBytes(value, field, length);
}

/** Checks the `{ name, version }` tag and returns the object as a record. */
export function expectTagged(json: unknown, name: string, version: number): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidModelError(`expected a ${name} object`);
  }
  const record = json as Record<string, unknown>;
  if (record.name !== name) throw new InvalidModelError(`expected name "${name}", got "${String(record.name)}"`);
  if (record.version !== version) {
    throw new InvalidModelError(`unsupported ${name} version ${String(record.version)} (expected ${version})`);
  }
  return record;
}

/** Reads an integer field in [min, max]. */
export function readInt(record: Record<string, unknown>, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidModelError(`${field} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

/** Reads a finite number field. */
export function readNumber(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidModelError(`${field} must be a finite number`);
  return value;
}

/** Reads a nested object field. */
export function readRecord(record: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = record[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidModelError(`${field} must be an object`);
  }
  return value as Record<string, unknown>;
}
