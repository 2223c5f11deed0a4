// Per-call arguments of every update rule. The host (TypeScript) computes each scalar once per step in
// double precision (bias corrections, scheduled learning rate) and hands it over as float, so the
// kernels stay single fused passes over their arrays. Pointers are borrowed for the call only.
// Complements such as oneMinusB2 = 1 - beta2 come from the host too: rounding 1 - 0.999 once from
// double (as PyTorch does) differs from 1 - float(0.999) by 1.3e-5 relative, which would bias v.
#pragma once
#include <cstddef>

namespace descent {

// SGD, momentum and Nesterov in one rule.
//   d = sign*g + wd*p
//   with a buffer:  b = decay*b + c1*d;  s = nesterov ? c2*d + nmom*b : b
//   without one:    s = d
//   p = p - c3*s
// torch: decay = momentum (0 on the first step), c1 = 1 - dampening (1 on the first step), c2 = 1,
//        nmom = momentum, c3 = lr.  keras/paper (lr inside the velocity): c1 = c2 = lr, c3 = 1.
struct SgdArgs {
  float* p; const float* g; float* buf;  // buf may be null (no momentum)
  float sign, wd, decay, c1, c2, nmom, c3;
  bool nesterov;
};

// d = sign*g + wd*p;  s += d*d;  p -= clr * d / (sqrt(s + epsIn) + epsOut)
struct AdagradArgs {
  float* p; const float* g; float* sum;
  float sign, wd, clr, epsIn, epsOut;
};

// d = sign*g + wd*p;  sq' = rho*sq + (1-rho)*d*d
// delta = sqrt(acc + eps) / sqrt((useOld ? sq : sq') + eps) * d;  acc = rho*acc + (1-rho)*delta^2
// p -= lr * delta.   useOld is tfjs's form (it divides by the previous accumulator).
struct AdadeltaArgs {
  float* p; const float* g; float* sq; float* acc;
  float sign, wd, rho, oneMinusRho, eps, lr;
  bool useOld;
};

// d = sign*g + wd*p;  sq = a*sq + (1-a)*d*d;  centered: ga = a*ga + (1-a)*d, inner = sq - ga*ga
// den = sqrt(inner + epsIn) + epsOut
// with a buffer: b = mom*b + c1*d/den; p -= c3*b     without: p -= c3*d/den
struct RmspropArgs {
  float* p; const float* g; float* sq; float* gavg; float* buf;  // gavg, buf may be null
  float sign, wd, alpha, oneMinusAlpha, epsIn, epsOut, mom, c1, c3;
};

// Adam, AdamW, AMSGrad and the keras epsilon-hat form.
//   d = sign*g + wd*p;  p *= decayMul;  m = b1*m + (1-b1)*d;  v = b2*v + (1-b2)*d*d
//   amsgrad: vmax = max(vmax, v), read vmax below instead of v
//   p -= stepSize * m / (sqrt(v)*invSqrtBc2 + eps)
struct AdamArgs {
  float* p; const float* g; float* m; float* v; float* vmax;  // vmax null unless amsgrad
  float sign, wd, decayMul, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, stepSize;
};

// d = sign*g + wd*p;  m = b1*m + (1-b1)*d;  u = max(b2*u, |d| + epsA)
// p -= clr * m / max(u + epsB, FLT_MIN)   (the max turns the paper's 0/0 at u = 0 into 0)
struct AdamaxArgs {
  float* p; const float* g; float* m; float* u;
  float sign, wd, b1, oneMinusB1, b2, epsA, epsB, clr;
};

// d = sign*g + wd*p;  m = b1*m + (1-b1)*d;  v = b2*v + (1-b2)*d*d
// den = sqrt(v)*invSqrtBc2 + eps;  p = (p - cg*d/den) - cm*m/den
struct NadamArgs {
  float* p; const float* g; float* m; float* v;
  float sign, wd, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, cg, cm;
};

// AdaptiveRevision (McMahan & Streeter 2014), delay-tolerant AdaGrad at a parameter server; see
// docs/async-sgd.md. gBck is the server's gradient sum as the worker read it with the parameters.
//   fwd = gSum - gBck;  gSum += g;  etaOld = alpha/sqrt(zMax)
//   z += g*g + 2*g*fwd;  zMax = max(zMax, z);  eta = alpha/sqrt(zMax)
//   p = p - eta*g + (etaOld - eta)*fwd
// zMax must start > 0 (z0): the rule never divides by anything smaller.
struct AdaptiveRevisionArgs {
  float* p; const float* g; const float* gBck; float* gSum; float* z; float* zMax;
  float alpha;
};

// The memory floor: Adam's access pattern (reads p, g, m, v; writes p, m, v) with no math.
// zero must be 0 at run time; it keeps the compiler from removing the reads.
struct FloorArgs {
  float* p; const float* g; float* m; float* v;
  float zero;
};

// A sparse gradient: `count` entries; entry k touches coordinates [idx[k]*rowLen, idx[k]*rowLen+rowLen)
// with gradient values vals[k*rowLen ...]. Indices are validated and unique before a kernel sees them.
struct SparseGrad {
  const int* idx; const float* vals; size_t count; size_t rowLen;
};

}  // namespace descent
