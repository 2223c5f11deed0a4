/**
 * The checkpoint file format (version 1), all integers little-endian:
 *
 * ```
 * offset  size  field
 *      0     8  magic "DSCNTCKP"
 *      8     4  format version (1)
 *     12     4  flags (0)
 *     16     8  payload length in bytes
 *     24    32  SHA-256 of the payload
 *     56     …  payload
 * ```
 * The payload is a u32 length and a UTF-8 JSON document describing the saved tree, then the raw
 * bytes of every typed array (little-endian, each at an offset that is a multiple of 8 from the
 * payload's start). In the JSON, a typed array is `{ "$t": "ta", "type", "offset", "length" }`,
 * a number JSON cannot hold (NaN, ±Infinity, -0) is `{ "$t": "n", "v": "NaN" }`, `undefined` is
 * `{ "$t": "u" }`, and an object key starting with `$` is stored with one more `$` in front.
 * @internal
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import { CheckpointError } from './errors';

export const MAGIC = Buffer.from('DSCNTCKP', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 56;

const TYPED = {
  Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;

const bigEndian = os.endianness() === 'BE';

/** A typed array's bytes in little-endian order (a view, without copying, on little-endian hosts). */
function littleEndianBytes(a: Typed): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (!bigEndian || a.BYTES_PER_ELEMENT === 1) return bytes;
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i += a.BYTES_PER_ELEMENT) out.subarray(i, i + a.BYTES_PER_ELEMENT).reverse();
  return out;
}

/** The typed-array class of v (a Buffer counts as a Uint8Array), or null. */
function typedName(v: unknown): TypedName | null {
  if (!ArrayBuffer.isView(v)) return null;
  for (const [name, C] of Object.entries(TYPED)) if (v instanceof C) return name as TypedName;
  return null;
}

/** Whether a typed array's buffer was transferred away (Node 20 has no ArrayBuffer#detached). */
function isDetached(a: Typed): boolean {
  const buffer = a.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The JSON document and the array bytes of one checkpoint payload, before they are laid out. */
interface Encoded {
  json: Uint8Array;
  blobs: Uint8Array[];
  /** Payload offset of each blob. */
  offsets: number[];
  length: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Turns the tree into JSON with typed arrays set aside. Throws TypeError (naming the path) for a
 * value a checkpoint cannot hold: functions, symbols, BigInts, class instances other than typed
 * arrays, cycles.
 */
function encodeTree(tree: unknown): Encoded {
  const blobs: Typed[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, at: string): unknown => {
    if (v === undefined) return { $t: 'u' };
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { $t: 'n', v: Object.is(v, -0) ? '-0' : String(v) };
    }
    const type = typedName(v);
    if (type) {
      if (isDetached(v as Typed)) throw new TypeError(`saveCheckpoint: ${at} is a ${type} whose buffer is detached (transferred away); its contents are gone`);
      blobs.push(v as Typed);
      return { $t: 'ta', type, index: blobs.length - 1, length: (v as Typed).length };
    }
    if (typeof v !== 'object') throw new TypeError(`saveCheckpoint: ${at} is a ${typeof v}, which a checkpoint cannot hold`);
    if (seen.has(v)) throw new TypeError(`saveCheckpoint: ${at} refers back to itself (a cycle)`);
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x, i) => walk(x, `${at}[${i}]`));
    else {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null)
        throw new TypeError(`saveCheckpoint: ${at} is a ${(v as object).constructor?.name ?? 'object'}; only plain objects, arrays, typed arrays, numbers, strings, booleans and null can be saved`);
      out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('$') ? `$${k}` : k, walk(x, `${at}.${k}`)]));
    }
    seen.delete(v);
    return out;
  };
  const doc = walk(tree, 'data');
  const json0 = JSON.stringify(doc);
  const headLength = 4 + Buffer.byteLength(json0);
  // Blob offsets are known once the JSON's size is: lay the blobs out after it, then write the
  // offsets into the JSON. Offsets only grow the JSON, so lay out again until it is stable.
  let json = Buffer.from(json0);
  let offsets: number[] = [];
  let start = align8(headLength);
  for (;;) {
    offsets = [];
    let at = start;
    for (const b of blobs) {
      offsets.push(at);
      at = align8(at + b.byteLength);
    }
    const withOffsets = JSON.stringify(doc, (_key, value: unknown) =>
      (value && typeof value === 'object' && (value as { $t?: unknown }).$t === 'ta')
        ? { $t: 'ta', type: (value as { type: string }).type, offset: offsets[(value as { index: number }).index], length: (value as { length: number }).length }
        : value);
    json = Buffer.from(withOffsets);
    const needed = align8(4 + json.length);
    if (needed <= start) break;
    start = needed;
  }
  const bytes = blobs.map(littleEndianBytes);
  const length = blobs.length ? offsets[offsets.length - 1]! + bytes[bytes.length - 1]!.length : align8(4 + json.length);
  return { json, blobs: bytes, offsets, length };
}

/** Header and payload as a list of byte pieces (the arrays' own memory where possible) to write in order. */
export function encodeImage(tree: unknown): Uint8Array[] {
  const e = encodeTree(tree);
  const pieces: Uint8Array[] = [];
  const jsonHead = Buffer.alloc(4);
  jsonHead.writeUInt32LE(e.json.length, 0);
  pieces.push(jsonHead, e.json);
  let at = 4 + e.json.length;
  e.blobs.forEach((b, i) => {
    if (e.offsets[i]! > at) pieces.push(new Uint8Array(e.offsets[i]! - at));
    pieces.push(b);
    at = e.offsets[i]! + b.length;
  });
  if (e.length > at) pieces.push(new Uint8Array(e.length - at));
  const hash = createHash('sha256');
  for (const p of pieces) hash.update(p);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeUInt32LE(0, 12);
  header.writeBigUInt64LE(BigInt(e.length), 16);
  hash.digest().copy(header, 24);
  return [header, ...pieces];
}

/** Checks the header and the checksum, then rebuilds the tree with fresh typed arrays. */
export function decodeImage(file: Uint8Array, where: string): unknown {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new CheckpointError('EFORMAT', where, 'not a descent checkpoint (the file does not start with "DSCNTCKP")');
  if (bytes.length < HEADER_BYTES)
    throw new CheckpointError('ETRUNCATED', where, `the file has ${bytes.length} bytes, fewer than the ${HEADER_BYTES}-byte header`);
  const version = bytes.readUInt32LE(8);
  if (version !== FORMAT_VERSION)
    throw new CheckpointError('EVERSION', where, `format version ${version}; this build reads version ${FORMAT_VERSION}`);
  if (bytes.readUInt32LE(12) !== 0) throw new CheckpointError('EFORMAT', where, 'unknown flags in the header');
  const declared = bytes.readBigUInt64LE(16);
  const available = BigInt(bytes.length - HEADER_BYTES);
  if (declared > available)
    throw new CheckpointError('ETRUNCATED', where, `the header promises ${declared} payload bytes, the file holds ${available}`);
  if (declared < available)
    throw new CheckpointError('EFORMAT', where, `${available - declared} bytes follow the payload`);
  const payload = bytes.subarray(HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(bytes.subarray(24, 56)))
    throw new CheckpointError('ECHECKSUM', where, 'the payload does not match its SHA-256 checksum (the file was changed after it was written)');
  return decodePayload(payload, where);
}

function decodePayload(payload: Buffer, where: string): unknown {
  const bad = (why: string): never => {
    throw new CheckpointError('EFORMAT', where, why);
  };
  if (payload.length < 4) bad('the payload is too short for its JSON length');
  const jsonLength = payload.readUInt32LE(0);
  if (4 + jsonLength > payload.length) bad('the JSON document runs past the payload');
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8', 4, 4 + jsonLength));
  } catch (err) {
    bad(`the JSON document does not parse (${(err as Error).message})`);
  }
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if ('$t' in o) return special(o);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k.startsWith('$$') ? k.slice(1) : k, walk(x)]));
  };
  const special = (o: Record<string, unknown>): unknown => {
    switch (o.$t) {
      case 'u': return undefined;
      case 'n': {
        const n = ({ NaN, Infinity, '-Infinity': -Infinity, '-0': -0 } as Record<string, number>)[String(o.v)];
        return n === undefined ? bad(`unknown number ${String(o.v)}`) : n;
      }
      case 'ta': {
        const type = String(o.type);
        if (!(type in TYPED)) bad(`unknown array type ${type}`);
        const C = TYPED[type as TypedName];
        const { offset, length } = o;
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 4 + jsonLength || (length as number) < 0)
          bad(`a ${type} has a bad offset or length`);
        const byteLength = (length as number) * C.BYTES_PER_ELEMENT;
        if ((offset as number) + byteLength > payload.length) bad(`a ${type} runs past the payload`);
        const out = new C(length as number);
        const dst = new Uint8Array(out.buffer);
        dst.set(payload.subarray(offset as number, (offset as number) + byteLength));
        if (bigEndian && C.BYTES_PER_ELEMENT > 1)
          for (let i = 0; i < dst.length; i += C.BYTES_PER_ELEMENT) dst.subarray(i, i + C.BYTES_PER_ELEMENT).reverse();
        return out;
      }
      default: return bad(`unknown tag ${String(o.$t)}`);
    }
  };
  return walk(doc);
}
