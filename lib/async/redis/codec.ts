/**
 * Float32 vectors as Redis strings: the raw bytes of the array, in the machine's byte order
 * (little-endian on every platform the addon builds for: x86-64 and arm64), 4 bytes a coordinate.
 * @internal
 * @packageDocumentation
 */

/** A Buffer view of `values`' bytes (no copy): what ioredis sends as a binary argument. */
export function bytesOf(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Copies a blob read from Redis into `into`. Throws a RangeError naming `what` when the blob is
 * missing or its length is not `into.length` coordinates, leaving `into` unchanged.
 */
export function copyBlob(blob: Buffer | null | undefined, into: Float32Array, what: string): void {
  if (!blob) throw new RangeError(`${what} is missing in Redis (was the job initialised with initRedisJob?)`);
  if (blob.length !== into.byteLength)
    throw new RangeError(`${what} holds ${blob.length / 4} coordinates in Redis; expected ${into.length}`);
  blob.copy(bytesOf(into));
}

/** A fresh Float32Array holding a copy of `blob` (any byte offset: Buffers from the parser may be unaligned). */
export function floatsOf(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.length >>> 2);
  blob.copy(bytesOf(out), 0, 0, out.byteLength);
  return out;
}
