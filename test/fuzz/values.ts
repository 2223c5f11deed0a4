/**
 * Fuzz inputs as plain descriptions (`Desc`): fast-check generates and shrinks descriptions, and
 * {@link materialize} turns one into fresh JS values for each call, so a call that writes into its
 * arrays never leaks into the next run or into a shrink step, and a failing description prints as
 * a readable reproduction.
 *
 * Every typed array is laid inside a larger buffer with guard elements before and after it, filled
 * with a sentinel; {@link Tracker} snapshots every buffer before a call, so a check can tell
 * "nothing changed" (after a throw) from "only the arrays themselves changed" (after a return).
 */

/** How a Float32Array's elements start. */
export type Fill = 'zero' | 'rand' | 'nan' | 'inf' | 'huge' | 'tiny' | 'mixed' | 'sign' | 'classes';

/** The typed-array classes besides Float32Array that fuzz calls pass where one is expected. */
export type TypedName = 'Float64Array' | 'Int32Array' | 'Uint32Array' | 'Uint8Array' | 'Int8Array' | 'Uint16Array' | 'BigInt64Array';

/** Where a typed array's memory lives and what happens to it before the call. */
export interface Layout {
  /** Guard elements before and after the view (the view starts `before` elements into its buffer). */
  before: number;
  after: number;
  /** A SharedArrayBuffer instead of an ArrayBuffer. */
  shared: boolean;
  /** Transfer the buffer away before the call (a SharedArrayBuffer cannot be detached). */
  detach: boolean;
}

export type Desc =
  | { t: 'f32'; n: number; fill: Fill; layout: Layout }
  /** A Float32Array over the memory of the `of`-th f32 made for this call (aliasing). */
  | { t: 'alias'; of: number; start: number; n: number }
  | { t: 'i32'; values: number[]; layout: Layout }
  | { t: 'u32'; values: number[]; layout: Layout }
  /** A Float64Array (the packed kernels' scalars), laid out like the others. */
  | { t: 'f64'; values: number[]; layout: Layout }
  | { t: 'u8'; bytes: number[] }
  | { t: 'typed'; ctor: TypedName; n: number }
  | { t: 'buffer'; n: number }
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'undef' }
  | { t: 'bigint' }
  | { t: 'symbol' }
  | { t: 'date' }
  | { t: 'arr'; items: Desc[] }
  | { t: 'obj'; props: Array<[string, Desc]> }
  /** A callback: returns 0, NaN, 1, a random number, or throws {@link FuzzCallbackError}. */
  | { t: 'fn'; mode: 'zero' | 'nan' | 'one' | 'rand' | 'throw' }
  /** An object whose every property read throws {@link FuzzCallbackError}. */
  | { t: 'trap' };

/** The error our own callbacks and traps throw; letting it through is always correct. */
export class FuzzCallbackError extends Error {
  constructor(what: string) {
    super(`fuzz callback: ${what}`);
    this.name = 'FuzzCallbackError';
  }
}

/** Bytes that no kernel writes by accident: a quiet NaN with a distinctive payload. */
const SENTINEL_BITS = 0x7fa5a5a5;

/** A byte range of a buffer that the call was given a view of. */
interface Span {
  begin: number;
  end: number;
}

interface BufferRecord {
  buffer: ArrayBuffer | SharedArrayBuffer;
  /** Byte length when made (a detached ArrayBuffer reports 0). */
  size: number;
  before: Uint8Array;
  views: Span[];
}

/**
 * Remembers every buffer made for one call, snapshots them, and compares afterwards. Arrays that the
 * code under test allocates itself are not tracked here; callers add them with {@link track}.
 */
export class Tracker {
  private readonly records: BufferRecord[] = [];
  /** Float32Arrays made for this call, in order ('alias' descriptions refer to them by index). */
  readonly f32s: Float32Array[] = [];

  /** Adds an array made elsewhere (e.g. an optimizer's own state) to the before/after comparison. */
  track(view: ArrayBufferView): void {
    const buffer = view.buffer as ArrayBuffer | SharedArrayBuffer;
    const begin = view.byteOffset, end = view.byteOffset + view.byteLength;
    const rec = this.records.find((r) => r.buffer === buffer);
    if (rec) rec.views.push({ begin, end });
    else this.records.push({ buffer, size: buffer.byteLength, before: new Uint8Array(0), views: [{ begin, end }] });
  }

  /** Copies every tracked buffer's bytes; call right before the call under test. */
  snapshot(): void {
    for (const r of this.records) r.before = isDetached(r) ? new Uint8Array(0) : new Uint8Array(r.buffer).slice();
  }

  /** Describes the first byte that differs from the snapshot (anywhere in any buffer), or null. */
  changedAnywhere(): string | null {
    for (const [k, r] of this.records.entries()) {
      const now = isDetached(r) ? new Uint8Array(0) : new Uint8Array(r.buffer);
      if (r.before.length === 0) continue; // detached before the call: nothing to compare
      if (now.length !== r.before.length && r.size > 0) return `buffer ${k} changed size (${r.before.length} -> ${now.length} bytes)`;
      for (let i = 0; i < now.length; i++)
        if (now[i] !== r.before[i]) return `buffer ${k} byte ${i} changed (${r.before[i]} -> ${now[i]})`;
    }
    return null;
  }

  /** Describes the first changed byte that lies outside every view the call was given, or null. */
  changedOutsideViews(): string | null {
    for (const [k, r] of this.records.entries()) {
      if (r.before.length === 0 || isDetached(r)) continue;
      const now = new Uint8Array(r.buffer);
      for (let i = 0; i < now.length; i++) {
        if (now[i] === r.before[i]) continue;
        if (!r.views.some((s) => i >= s.begin && i < s.end)) return `buffer ${k} byte ${i} outside every view was written`;
      }
    }
    return null;
  }

  /** Lays out a typed array of `bytesPer`-byte elements inside guard elements; returns buffer and offset. */
  allocate(n: number, bytesPer: number, layout: Layout): { buffer: ArrayBuffer | SharedArrayBuffer; offset: number } {
    const total = (layout.before + n + layout.after) * bytesPer;
    const rounded = Math.ceil(total / 4) * 4;
    const buffer = layout.shared ? new SharedArrayBuffer(rounded) : new ArrayBuffer(rounded);
    new Uint32Array(buffer).fill(SENTINEL_BITS);
    const offset = layout.before * bytesPer;
    this.records.push({ buffer, size: rounded, before: new Uint8Array(0), views: [{ begin: offset, end: offset + n * bytesPer }] });
    return { buffer, offset };
  }

  /** Transfers a buffer away so views over it become detached (no-op for a SharedArrayBuffer). */
  detach(buffer: ArrayBuffer | SharedArrayBuffer): void {
    if (buffer instanceof ArrayBuffer) structuredClone(buffer, { transfer: [buffer] });
  }

  /** Records that a view over an existing tracked buffer is also given to the call. */
  addView(buffer: ArrayBufferLike, begin: number, end: number): void {
    const rec = this.records.find((r) => r.buffer === buffer);
    rec?.views.push({ begin, end });
  }
}

/**
 * Node 20 has no ArrayBuffer#detached, and views over a detached buffer cannot be made: a buffer
 * with no bytes (transferred, or empty from the start) has nothing to compare anyway.
 */
function isDetached(r: BufferRecord): boolean {
  return r.buffer.byteLength === 0;
}

/** A deterministic, varied value for element i (no Math.random: runs must replay exactly). */
function element(fill: Fill, i: number): number {
  switch (fill) {
    case 'zero': return 0;
    case 'rand': return Math.sin(i * 12.9898 + 78.233) * 4;
    case 'nan': return i % 3 === 0 ? NaN : 1;
    case 'inf': return i % 2 === 0 ? Infinity : -Infinity;
    case 'huge': return (i % 2 === 0 ? 1 : -1) * 3.4e38;
    case 'tiny': return 1e-45 * (i + 1);
    case 'mixed': return [0, -0, 1, -1, NaN, Infinity, -Infinity, 3.4e38, 1e-45, 0.5][i % 10]!;
    case 'sign': return i % 2 === 0 ? 1 : -1;
    case 'classes': return i % 2;
  }
}

const TYPED: Record<TypedName, { new (b: ArrayBufferLike, o: number, n: number): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Float64Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Uint16Array, BigInt64Array,
};

/** Builds fresh JS values from a description, registering every buffer with the tracker. */
export function materialize(d: Desc, tr: Tracker): unknown {
  switch (d.t) {
    case 'f32': {
      const { buffer, offset } = tr.allocate(d.n, 4, d.layout);
      const a = new Float32Array(buffer, offset, d.n);
      for (let i = 0; i < d.n; i++) a[i] = element(d.fill, i);
      tr.f32s.push(a);
      if (d.layout.detach) tr.detach(buffer);
      return a;
    }
    case 'alias': {
      const base = tr.f32s.length ? tr.f32s[d.of % tr.f32s.length]! : undefined;
      if (!base || base.buffer.byteLength === 0) return new Float32Array(d.n);
      const elements = base.buffer.byteLength / 4;
      const start = Math.min(d.start, elements);
      const n = Math.min(d.n, elements - start);
      tr.addView(base.buffer, start * 4, (start + n) * 4);
      const a = new Float32Array(base.buffer, start * 4, n);
      tr.f32s.push(a);
      return a;
    }
    case 'i32':
    case 'u32': {
      const { buffer, offset } = tr.allocate(d.values.length, 4, d.layout);
      const a = d.t === 'i32' ? new Int32Array(buffer, offset, d.values.length) : new Uint32Array(buffer, offset, d.values.length);
      a.set(d.values);
      if (d.layout.detach) tr.detach(buffer);
      return a;
    }
    case 'f64': {
      const { buffer, offset } = tr.allocate(d.values.length, 8, d.layout);
      const a = new Float64Array(buffer, offset, d.values.length);
      a.set(d.values);
      if (d.layout.detach) tr.detach(buffer);
      return a;
    }
    case 'u8': {
      const { buffer, offset } = tr.allocate(d.bytes.length, 1, { before: 3, after: 5, shared: false, detach: false });
      const a = new Uint8Array(buffer, offset, d.bytes.length);
      a.set(d.bytes);
      return a;
    }
    case 'typed': {
      const C = TYPED[d.ctor];
      const { buffer, offset } = tr.allocate(d.n, C.BYTES_PER_ELEMENT, { before: 2, after: 2, shared: false, detach: false });
      const a = new C(buffer, offset, d.n) as unknown as { [i: number]: number | bigint; length: number };
      // Small elements: a one-element array that a callee coerces to a number must not ask for gigabytes.
      for (let i = 0; i < a.length; i++) a[i] = C === BigInt64Array ? BigInt(i % 7) : i % 7;
      return a;
    }
    case 'buffer': return new ArrayBuffer(d.n);
    case 'num': return d.v;
    case 'str': return d.v;
    case 'bool': return d.v;
    case 'null': return null;
    case 'undef': return undefined;
    case 'bigint': return 12345678901234567890n;
    case 'symbol': return Symbol('fuzz');
    case 'date': return new Date(0);
    case 'arr': return d.items.map((x) => materialize(x, tr));
    case 'obj': return Object.fromEntries(d.props.map(([k, v]) => [k, materialize(v, tr)]));
    case 'fn': return callback(d.mode);
    case 'trap': return trap();
  }
}

function callback(mode: 'zero' | 'nan' | 'one' | 'rand' | 'throw'): (...args: unknown[]) => number {
  let calls = 0;
  return () => {
    calls++;
    switch (mode) {
      case 'zero': return 0;
      case 'nan': return NaN;
      case 'one': return 1;
      case 'rand': return Math.abs(Math.sin(calls));
      case 'throw': throw new FuzzCallbackError('callback throws');
    }
  };
}

function trap(): object {
  return new Proxy({}, {
    get(_t, key) {
      if (key === Symbol.toPrimitive || key === 'then') return undefined;
      throw new FuzzCallbackError(`read of property ${String(key)}`);
    },
    has() {
      throw new FuzzCallbackError('in operator');
    },
    ownKeys() {
      throw new FuzzCallbackError('key listing');
    },
  });
}
