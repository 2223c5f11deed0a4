/**
 * The update rules in plain TypeScript: the oracle the native kernels are tested against and the
 * JS baseline in benchmarks. One function per rule, the math of `native/kernels/params.h`, written
 * for clarity. Arithmetic runs in float64 on float32 loads; results round when stored, and scalars
 * are rounded to float32 first, as the native layer receives them.
 * @internal
 * @packageDocumentation
 */
import type { KernelSet } from '../kernels';

const f = Math.fround;
const FLT_MIN = 1.1754943508222875e-38;

/** Visits every coordinate a sparse gradient touches: visit(coordinate, gradient). */
function forEachSparse(idx: Int32Array, vals: Float32Array, rowLen: number,
  visit: (i: number, g: number) => void): void {
  for (let k = 0; k < idx.length; k++) {
    const base = idx[k]! * rowLen;
    for (let j = 0; j < rowLen; j++) visit(base + j, vals[k * rowLen + j]!);
  }
}

function sgdRule(p: Float32Array, buf: Float32Array | null, sign: number, wd: number, decay: number,
  c1: number, c2: number, nmom: number, c3: number, nesterov: boolean) {
  sign = f(sign); wd = f(wd); decay = f(decay); c1 = f(c1); c2 = f(c2); nmom = f(nmom); c3 = f(c3);
  return (i: number, g: number) => {
    const d = sign * g + wd * p[i]!;
    let s = d;
    if (buf) {
      const b = (buf[i] = decay * buf[i]! + c1 * d);
      s = nesterov ? c2 * d + nmom * b : b;
    }
    p[i] = p[i]! - c3 * s;
  };
}

function adagradRule(p: Float32Array, sum: Float32Array, sign: number, wd: number, clr: number,
  epsIn: number, epsOut: number) {
  sign = f(sign); wd = f(wd); clr = f(clr); epsIn = f(epsIn); epsOut = f(epsOut);
  return (i: number, g: number) => {
    const d = sign * g + wd * p[i]!;
    const s = (sum[i] = sum[i]! + d * d);
    p[i] = p[i]! - (clr * d) / (Math.sqrt(s + epsIn) + epsOut);
  };
}

function rmspropRule(p: Float32Array, sq: Float32Array, gavg: Float32Array | null, buf: Float32Array | null,
  sign: number, wd: number, alpha: number, oneMinusAlpha: number, epsIn: number, epsOut: number, mom: number,
  c1: number, c3: number) {
  sign = f(sign); wd = f(wd); alpha = f(alpha); oneMinusAlpha = f(oneMinusAlpha); epsIn = f(epsIn);
  epsOut = f(epsOut); mom = f(mom); c1 = f(c1); c3 = f(c3);
  return (i: number, g: number) => {
    const d = sign * g + wd * p[i]!;
    const s = (sq[i] = alpha * sq[i]! + oneMinusAlpha * d * d);
    let inner = s;
    if (gavg) {
      const a = (gavg[i] = alpha * gavg[i]! + oneMinusAlpha * d);
      inner = s - a * a;
    }
    const ratio = d / (Math.sqrt(inner + epsIn) + epsOut);
    if (buf) {
      const b = (buf[i] = mom * buf[i]! + c1 * ratio);
      p[i] = p[i]! - c3 * b;
    } else {
      p[i] = p[i]! - c3 * ratio;
    }
  };
}

function adamRule(p: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, sign: number,
  wd: number, decayMul: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number,
  invSqrtBc2: number, eps: number, stepSize: number) {
  sign = f(sign); wd = f(wd); decayMul = f(decayMul); b1 = f(b1); oneMinusB1 = f(oneMinusB1); b2 = f(b2);
  oneMinusB2 = f(oneMinusB2); invSqrtBc2 = f(invSqrtBc2); eps = f(eps); stepSize = f(stepSize);
  return (i: number, g: number) => {
    const d = sign * g + wd * p[i]!;
    const pd = p[i]! * decayMul;
    const mi = (m[i] = b1 * m[i]! + oneMinusB1 * d);
    let vi = (v[i] = b2 * v[i]! + oneMinusB2 * d * d);
    if (vmax) vi = vmax[i] = Math.max(vmax[i]!, vi);
    p[i] = pd - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  };
}

/** The reference kernels, same signatures as the native addon's. */
export const referenceKernels: KernelSet = {
  sgd(p, g, buf, sign, wd, decay, c1, c2, nmom, c3, nesterov) {
    const rule = sgdRule(p, buf, sign, wd, decay, c1, c2, nmom, c3, nesterov);
    for (let i = 0; i < g.length; i++) rule(i, g[i]!); // one call site per rule keeps it inlinable
  },
  sgdSparse(p, idx, vals, rowLen, buf, sign, wd, decay, c1, c2, nmom, c3, nesterov) {
    forEachSparse(idx, vals, rowLen, sgdRule(p, buf, sign, wd, decay, c1, c2, nmom, c3, nesterov));
  },
  adagrad(p, g, sum, sign, wd, clr, epsIn, epsOut) {
    const rule = adagradRule(p, sum, sign, wd, clr, epsIn, epsOut);
    for (let i = 0; i < g.length; i++) rule(i, g[i]!);
  },
  adagradSparse(p, idx, vals, rowLen, sum, sign, wd, clr, epsIn, epsOut) {
    forEachSparse(idx, vals, rowLen, adagradRule(p, sum, sign, wd, clr, epsIn, epsOut));
  },
  adadelta(p, g, sq, acc, sign, wd, rho, oneMinusRho, eps, lr, useOld) {
    sign = f(sign); wd = f(wd); rho = f(rho); oneMinusRho = f(oneMinusRho); eps = f(eps); lr = f(lr);
    for (let i = 0; i < g.length; i++) {
      const d = sign * g[i]! + wd * p[i]!;
      const old = sq[i]!;
      const sqNew = (sq[i] = rho * old + oneMinusRho * d * d);
      const delta = (Math.sqrt(acc[i]! + eps) / Math.sqrt((useOld ? old : sqNew) + eps)) * d;
      acc[i] = rho * acc[i]! + oneMinusRho * delta * delta;
      p[i] = p[i]! - lr * delta;
    }
  },
  rmsprop(p, g, sq, gavg, buf, sign, wd, alpha, oneMinusAlpha, epsIn, epsOut, mom, c1, c3) {
    const rule = rmspropRule(p, sq, gavg, buf, sign, wd, alpha, oneMinusAlpha, epsIn, epsOut, mom, c1, c3);
    for (let i = 0; i < g.length; i++) rule(i, g[i]!);
  },
  rmspropSparse(p, idx, vals, rowLen, sq, gavg, buf, sign, wd, alpha, oneMinusAlpha, epsIn, epsOut, mom, c1, c3) {
    forEachSparse(idx, vals, rowLen, rmspropRule(p, sq, gavg, buf, sign, wd, alpha, oneMinusAlpha, epsIn, epsOut, mom, c1, c3));
  },
  adam(p, g, m, v, vmax, sign, wd, decayMul, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, stepSize) {
    const rule = adamRule(p, m, v, vmax, sign, wd, decayMul, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, stepSize);
    for (let i = 0; i < g.length; i++) rule(i, g[i]!);
  },
  adamSparse(p, idx, vals, rowLen, m, v, vmax, sign, wd, decayMul, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, stepSize) {
    forEachSparse(idx, vals, rowLen,
      adamRule(p, m, v, vmax, sign, wd, decayMul, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, stepSize));
  },
  adamax(p, g, m, u, sign, wd, b1, oneMinusB1, b2, epsA, epsB, clr) {
    sign = f(sign); wd = f(wd); b1 = f(b1); oneMinusB1 = f(oneMinusB1); b2 = f(b2); epsA = f(epsA);
    epsB = f(epsB); clr = f(clr);
    for (let i = 0; i < g.length; i++) {
      const d = sign * g[i]! + wd * p[i]!;
      const mi = (m[i] = b1 * m[i]! + oneMinusB1 * d);
      const a = b2 * u[i]!, b = Math.abs(d) + epsA;
      const ui = (u[i] = a > b ? a : b); // b wins ties and NaN, as maxps does
      p[i] = p[i]! - (clr * mi) / Math.max(ui + epsB, FLT_MIN);
    }
  },
  nadam(p, g, m, v, sign, wd, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, cg, cm) {
    sign = f(sign); wd = f(wd); b1 = f(b1); oneMinusB1 = f(oneMinusB1); b2 = f(b2); oneMinusB2 = f(oneMinusB2);
    invSqrtBc2 = f(invSqrtBc2); eps = f(eps); cg = f(cg); cm = f(cm);
    for (let i = 0; i < g.length; i++) {
      const d = sign * g[i]! + wd * p[i]!;
      const mi = (m[i] = b1 * m[i]! + oneMinusB1 * d);
      const vi = (v[i] = b2 * v[i]! + oneMinusB2 * d * d);
      const den = Math.sqrt(vi) * invSqrtBc2 + eps;
      // Two updates, each rounded to float32, as PyTorch's two addcdiv_ calls and the kernel do.
      p[i] = p[i]! - (cg * d) / den;
      p[i] = p[i]! - (cm * mi) / den;
    }
  },
  adaptiveRevision(p, g, gBck, gSum, z, zMax, alpha) {
    alpha = f(alpha);
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!;
      // Each stored state value rounds to float32, as the kernel stores it.
      const fwd = f(gSum[i]! - gBck[i]!);
      gSum[i] = gSum[i]! + gi;
      const etaOld = alpha / Math.sqrt(zMax[i]!);
      const zi = f(z[i]! + gi * gi + 2 * gi * fwd);
      z[i] = zi;
      const zm = Math.max(zMax[i]!, zi);
      zMax[i] = zm;
      const eta = alpha / Math.sqrt(zm);
      p[i] = p[i]! - eta * gi + (etaOld - eta) * fwd;
    }
  },
  firstNonFinite(a) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
    return -1;
  },
  memoryFloor(p, g, m, v) {
    for (let i = 0; i < g.length; i++) {
      const t = g[i]! * 0;
      p[i] = p[i]! + t;
      m[i] = m[i]! + t;
      v[i] = v[i]! + t;
    }
  },
};
