// The optimizers the demo compares. Each runs with the package's defaults (PyTorch's) except the
// learning rate, which the demo tunes; `notes` says what those defaults mean for this comparison.

/**
 * @typedef {{ name: string, notes: string,
 *   create: (params: Float32Array, lr: number) => { step(grads: Float32Array): void } }} OptimizerEntry
 */

/**
 * @param {Record<string, any>} descent - the package's exports
 * @returns {OptimizerEntry[]}
 */
export function optimizerCatalogue(descent) {
  const entry = (name, notes) => ({
    name,
    notes,
    create: (params, lr) => new descent[name](params, { lr }),
  });
  return [
    entry('SGD', 'no momentum'),
    entry('Momentum', 'SGD, momentum 0.9'),
    entry('Nesterov', 'SGD, Nesterov momentum 0.9'),
    entry('Adagrad', 'eps 1e-10, accumulator starts at 0'),
    entry('Adadelta', 'rho 0.9, eps 1e-6; lr scales the update'),
    entry('RMSprop', 'alpha 0.99, eps 1e-8'),
    entry('Adam', 'betas (0.9, 0.999), eps 1e-8'),
    entry('AdamW', 'as Adam, decoupled weight decay 1e-2 (pulls towards 0)'),
    entry('AdaMax', 'betas (0.9, 0.999), eps 1e-8'),
    entry('Nadam', 'betas (0.9, 0.999), momentum decay 4e-3'),
    entry('AMSGrad', 'as Adam, max of past second moments'),
  ];
}
