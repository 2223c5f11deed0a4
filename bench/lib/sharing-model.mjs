// A cache-coherence count of Hogwild! on a sparse linear SVM: which accesses of two threads find
// the parameter's cache line taken by the other thread (a transfer between cores, ~100+ ns each).
// Deterministic, so it explains the 2-thread timings even on a machine too busy to time them, and
// without hardware counters (this VM exposes none to perf).
//
// Model: two threads take alternate rows of the shuffled epoch (thread 0 the first half of the
// order, thread 1 the second, one row each in turn, as if they ran at the same speed); one shared
// trajectory of the weights (hinge SGD with the degree-scaled L2, float32 stores, as the native
// loop). Per variant, every 64-byte line keeps the set of threads holding a copy (MESI without
// capacity misses: the 47 236 weights fit in L2): a read by a thread without a copy is a miss served
// by the other core; a write by a thread that does not hold the line alone takes it away.
// Variants (the native options, see native/parallel/hogwild_linear.h):
//   eager      every coordinate whose stored value changes is written (the plain loop, skipUnchanged)
//   lazyL2     rows with loss derivative 0 write nothing (their shrink waits in a private factor)
//   hot H/k    the H most frequent features stay in a per-thread buffer; every k rows each thread
//              reads and (where changed) writes their H lines
//   private    each thread its own copy: nothing is shared (the ceiling)

const LINE = 16; // floats per 64-byte line

/**
 * @param {{ X: { indptr: Int32Array, indices: Int32Array, values: Float32Array, cols: number }, y: Float32Array }} data
 * @param {{ lr: number, l2: number, epochs?: number, seed?: number, hot?: Array<{ H: number, k: number, lazy: boolean }> }} o
 * @returns per variant: misses and line steals per row of the last epoch, and the share of rows
 *   whose loss derivative is not 0 (the rows that write under lazyL2)
 */
export function countSharing(data, o) {
  const { indptr, indices, values, cols } = data.X;
  const rows = indptr.length - 1;
  const degree = new Uint32Array(cols);
  for (let q = 0; q < indptr[rows]; q++) degree[indices[q]]++;
  const w = new Float32Array(cols);
  const lines = Math.ceil(cols / LINE);
  const hotSpecs = o.hot ?? [];
  const byDegree = Array.from({ length: cols }, (_, j) => j).sort((a, b) => degree[b] - degree[a] || a - b);
  const variants = [
    { name: 'eager', holders: new Uint8Array(lines), misses: 0, steals: 0, lazy: false, hotOf: null },
    { name: 'lazyL2', holders: new Uint8Array(lines), misses: 0, steals: 0, lazy: true, hotOf: null },
    ...hotSpecs.map((h) => {
      const hotOf = new Uint8Array(cols);
      for (let s = 0; s < h.H; s++) hotOf[byDegree[s]] = 1;
      return { name: `hot ${h.H}/${h.k}${h.lazy ? ' + lazyL2' : ''}`, holders: new Uint8Array(lines), misses: 0, steals: 0, lazy: h.lazy, hotOf, H: h.H, k: h.k, hotIds: byDegree.slice(0, h.H) };
    }),
  ];
  const read = (v, bit, j) => {
    const l = (j / LINE) | 0;
    if (!(v.holders[l] & bit)) {
      v.misses++;
      v.holders[l] |= bit;
    }
  };
  const write = (v, bit, j) => {
    const l = (j / LINE) | 0;
    if (v.holders[l] !== bit) {
      if (!(v.holders[l] & bit)) v.misses++;
      v.steals++;
      v.holders[l] = bit;
    }
  };
  let state = (o.seed ?? 1) >>> 0 || 1;
  const random = () => {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const epochs = o.epochs ?? 2;
  let rowsCounted = 0, activeRows = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const counting = epoch === epochs - 1;
    const lr = o.lr * 0.9 ** epoch;
    const half = rows >> 1;
    for (let step = 0; step < rows; step++) {
      const thread = step & 1;
      const bit = thread + 1;
      const slot = step >> 1;
      const r = thread === 0 ? order[slot] : order[half + slot];
      if (r === undefined || (thread === 0 && slot >= half)) continue;
      let m = 0;
      for (let q = indptr[r]; q < indptr[r + 1]; q++) m += values[q] * w[indices[q]];
      const t = data.y[r] > 0 ? 1 : -1;
      const d = t * m < 1 ? -t : 0;
      for (let q = indptr[r]; q < indptr[r + 1]; q++) {
        const j = indices[q];
        const before = w[j];
        const after = Math.fround(before - lr * (d * values[q] + (o.l2 / degree[j]) * before));
        if (counting) {
          for (const v of variants) {
            if (v.hotOf && v.hotOf[j]) continue; // private buffer
            read(v, bit, j);
            const writes = v.lazy ? d !== 0 : after !== before;
            if (writes) write(v, bit, j);
          }
        }
        w[j] = after;
      }
      if (counting) {
        rowsCounted++;
        if (d !== 0) activeRows++;
        for (const v of variants) {
          if (!v.hotOf || (slot + 1) % v.k !== 0) continue;
          for (const j of v.hotIds) {
            read(v, bit, j);
            write(v, bit, j);
          }
        }
      }
    }
  }
  return [
    ...variants.map((v) => ({ variant: v.name, missesPerRow: v.misses / rowsCounted, stealsPerRow: v.steals / rowsCounted })),
    { variant: 'private', missesPerRow: 0, stealsPerRow: 0 },
  ].map((v) => ({ ...v, activeRowShare: activeRows / rowsCounted }));
}
