// The README's quick start, verbatim (the ten lines from the import to nativeInfo()), made runnable:
// the one thing it leaves to you, computeGradient(), is written out below. Here the "model" is the
// least-squares fit f(w) = ½‖w − t‖² of a million parameters to a fixed target t, so the gradient
// is w − t and the loss must fall as Adam steps.
//
//   node examples/quick-start.mjs

import { Adam, nativeInfo } from 'descent';

const w = new Float32Array(1_000_000);             // your parameters; JS owns the memory
const g = new Float32Array(w.length);              // your gradients, same length
const opt = new Adam(w, { lr: 1e-3 });             // PyTorch's defaults for everything else
for (let t = 0; t < 100; t++) {
  computeGradient(w, g);                           // your model
  opt.step(g);                                     // w changes in place
}
console.log(nativeInfo());                         // { isa: 'avx512', isasAvailable: [...], threads: 2, ... }

// ---- what the quick start leaves to you ----

import { textTable } from './lib/table.mjs';

/** The target of parameter i: a few values in [−0.1, 0.1], within Adam's reach in 100 steps of lr 1e-3. */
function target(i) {
  return ((i % 5) - 2) / 20;
}

/** f(w) = ½‖w − t‖². */
function loss(w) {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += 0.5 * (w[i] - target(i)) ** 2;
  return sum;
}

/** Writes ∇f(w) = w − t into g; prints a progress line every 25 steps (opt is set up before the loop calls this). */
function computeGradient(w, g) {
  for (let i = 0; i < w.length; i++) g[i] = w[i] - target(i);
  if (opt.stepCount % 25 === 0) console.error(`step ${opt.stepCount}/100: loss ${loss(w).toExponential(3)}`);
}

const start = loss(new Float32Array(w.length));
const end = loss(w);
console.log(`\n${textTable([
  { title: 'parameters', cell: (r) => String(r.n), right: true },
  { title: 'steps', cell: (r) => String(r.steps), right: true },
  { title: 'start loss', cell: (r) => r.start.toExponential(3), right: true },
  { title: 'final loss', cell: (r) => r.end.toExponential(3), right: true },
  { title: 'final/start', cell: (r) => (r.end / r.start).toFixed(4), right: true },
], [{ n: w.length, steps: opt.stepCount, start, end }])}`);
