/**
 * A flat parameter arena: one Float32Array for every tensor of a model, handed out as named views,
 * with a matching gradient arena. An optimizer given the arena's views finds them back to back in
 * one buffer and steps the whole model with a single kernel call, so hundreds of small tensors cost
 * about what one large tensor of the same total size costs.
 * @packageDocumentation
 */
import { checkNumber, describe } from './optimizers/validate';

/** Tensor sizes by name, in elements; insertion order is the layout order. */
export type ArenaLayout = Record<string, number> | ReadonlyArray<readonly [name: string, length: number]>;

/** Named parameter views over one buffer, with gradients laid out the same way in a second one. */
export class ParamArena {
  /** Every parameter, back to back. */
  readonly data: Float32Array;
  /** Every gradient, back to back, in the same layout as {@link data}. */
  readonly grads: Float32Array;
  /** Tensor names in layout order. */
  readonly names: readonly string[];
  private readonly paramViews = new Map<string, Float32Array>();
  private readonly gradViews = new Map<string, Float32Array>();

  /**
   * @param layout - tensor sizes by name (elements, non-negative integers), in layout order
   * @param options - `shared: true` allocates both arenas on SharedArrayBuffers (for worker threads)
   */
  constructor(layout: ArenaLayout, options: { shared?: boolean } = {}) {
    if (layout === null || typeof layout !== 'object')
      throw new TypeError(`ParamArena: layout must be an object of sizes or an array of [name, length], got ${describe(layout)}`);
    const entries: ReadonlyArray<readonly [string, number]> = Array.isArray(layout)
      ? (layout as ReadonlyArray<readonly [string, number]>)
      : Object.entries(layout as Record<string, number>);
    if (entries.length === 0) throw new RangeError('ParamArena: layout is empty; name at least one tensor');
    let total = 0;
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string')
        throw new TypeError(`ParamArena: each layout entry must be [name, length], got ${describe(entry)}`);
      const [name, length] = entry;
      if (seen.has(name)) throw new RangeError(`ParamArena: tensor '${name}' appears twice`);
      seen.add(name);
      total += checkNumber('ParamArena', `length of '${name}'`, length, { min: 0, integer: true });
    }
    const make = (n: number) => (options.shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n));
    this.data = make(total);
    this.grads = make(total);
    let offset = 0;
    for (const [name, length] of entries) {
      this.paramViews.set(name, this.data.subarray(offset, offset + length));
      this.gradViews.set(name, this.grads.subarray(offset, offset + length));
      offset += length;
    }
    this.names = entries.map(([name]) => name);
  }

  /** The parameter view of a tensor (live: writes go to the arena). */
  param(name: string): Float32Array {
    return this.lookup(this.paramViews, name);
  }

  /** The gradient view of a tensor (live). */
  grad(name: string): Float32Array {
    return this.lookup(this.gradViews, name);
  }

  /** Every parameter view in layout order: pass this to an optimizer. */
  params(): Float32Array[] {
    return this.names.map((n) => this.paramViews.get(n)!);
  }

  /** Every gradient view in layout order: pass this to `step`. */
  gradList(): Float32Array[] {
    return this.names.map((n) => this.gradViews.get(n)!);
  }

  /** Sets every gradient to zero (call before accumulating the next batch's gradients). */
  zeroGrads(): void {
    this.grads.fill(0);
  }

  private lookup(map: Map<string, Float32Array>, name: string): Float32Array {
    const v = map.get(name);
    if (!v) throw new RangeError(`ParamArena: no tensor named '${String(name)}'; known: ${this.names.join(', ')}`);
    return v;
  }
}
