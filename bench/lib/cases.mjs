// The optimizers the benchmark covers, with what each costs in memory traffic and how its peers
// are configured. Every class runs with its defaults (PyTorch's); peers get the same
// hyperparameters where they have them, so that the comparison is about speed, not about settings.

/**
 * bytes: memory traffic per element of one dense step with default options (4 bytes per array read
 * plus 4 per array written), used to turn ns/element into GB/s.
 * tfjs: a factory for the tf.train optimizer, or null where TensorFlow.js has none.
 * torch: whether bench/peers/torch_optim.py runs it (it knows the constructor by name).
 */
export const OPTIMIZERS = [
  { name: 'SGD', bytes: 12, tfjs: (tf) => tf.train.sgd(1e-3), torch: true },
  { name: 'Momentum', bytes: 20, tfjs: (tf) => tf.train.momentum(1e-3, 0.9), torch: true },
  { name: 'Nesterov', bytes: 20, tfjs: (tf) => tf.train.momentum(1e-3, 0.9, true), torch: true },
  { name: 'Adagrad', bytes: 20, tfjs: (tf) => tf.train.adagrad(0.01), torch: true },
  { name: 'Adadelta', bytes: 28, tfjs: (tf) => tf.train.adadelta(1.0, 0.9, 1e-6), torch: true },
  { name: 'RMSprop', bytes: 20, tfjs: (tf) => tf.train.rmsprop(0.01, 0.99, 0, 1e-8, false), torch: true },
  { name: 'Adam', bytes: 28, tfjs: (tf) => tf.train.adam(1e-3, 0.9, 0.999, 1e-8), torch: true },
  { name: 'AdamW', bytes: 28, tfjs: null, torch: true },
  { name: 'AdaMax', bytes: 28, tfjs: null, torch: false },
  { name: 'Nadam', bytes: 28, tfjs: null, torch: false },
  { name: 'AMSGrad', bytes: 36, tfjs: null, torch: false },
];

export const OPTIMIZER_NAMES = OPTIMIZERS.map((o) => o.name);

/** Adam's traffic (reads p, g, m, v; writes p, m, v): what the memory floor kernel moves. */
export const FLOOR_BYTES = 28;

export const DEFAULT_SIZES = [1e3, 1e4, 1e5, 1e6, 1e7];
export const QUICK_SIZES = [1e3, 1e4];

/**
 * Sample length and repetition counts per mode. Samples are short and many because other
 * processes on this VM preempt us for milliseconds at a time: with short samples a preemption
 * spoils a few samples, which the median ignores, instead of inflating every long one.
 */
export function timingPlan(quick) {
  return quick
    ? { targetMs: 1, budgetMs: 5, minReps: 3, maxReps: 5 }
    : { targetMs: 4, budgetMs: 100, minReps: 5, maxReps: 31 };
}

/**
 * Peers are slow: longer samples, and a cap so that tfjs-cpu at 1e7 (seconds per step, 100× off
 * our speed, where ±20% noise cannot change a conclusion) takes one or two samples, not minutes.
 */
export function peerTimingPlan(quick) {
  return quick
    ? { targetMs: 1, budgetMs: 5, minReps: 3, maxReps: 5 }
    : { targetMs: 10, budgetMs: 120, minReps: 3, maxReps: 11, capMs: 2500 };
}
