// The optimizers the spam filter compares, each with its package defaults (PyTorch's) except the
// learning rate, and the learning rates its grid search tries: five half-decade steps placed by a
// pilot run so that the winner is inside the grid, not at its edge.

/**
 * @typedef {{ name: string, notes: string, grid: number[],
 *   create: (params: Float32Array, lr: number) => object }} SpamOptimizer
 */

const GRIDS = {
  SGD: [10, 30, 100, 300, 1000],
  Momentum: [1, 3, 10, 30, 100],
  Nesterov: [1, 3, 10, 30, 100],
  Adagrad: [0.1, 0.3, 1, 3, 10],
  Adadelta: [30, 100, 300, 1000, 3000],
  RMSprop: [0.01, 0.03, 0.1, 0.3, 1],
  Adam: [0.03, 0.1, 0.3, 1, 3],
  AdamW: [0.01, 0.03, 0.1, 0.3, 1],
  AdaMax: [0.1, 0.3, 1, 3, 10],
  Nadam: [0.03, 0.1, 0.3, 1, 3],
};

const NOTES = {
  SGD: 'no momentum',
  Momentum: 'momentum 0.9',
  Nesterov: 'Nesterov momentum 0.9',
  Adagrad: 'eps 1e-10',
  Adadelta: 'rho 0.9, eps 1e-6; lr scales the update',
  RMSprop: 'alpha 0.99, eps 1e-8',
  Adam: 'betas (0.9, 0.999), eps 1e-8',
  AdamW: 'as Adam, decoupled weight decay 1e-2',
  AdaMax: 'betas (0.9, 0.999), eps 1e-8',
  Nadam: 'betas (0.9, 0.999), momentum decay 4e-3',
};

/**
 * The rate each optimizer's full search picked (`node examples/spam-filter.mjs`: the 5-point grid,
 * 10 epochs, lowest validation log-loss on the lr-search split; the run is in
 * docs/choosing-an-optimizer.md). The demo trains at these rates instead of searching again.
 */
export const TUNED_LR = Object.freeze({
  SGD: 100, Momentum: 30, Nesterov: 10, Adagrad: 1, Adadelta: 300, RMSprop: 0.1, Adam: 0.3, AdamW: 0.1, AdaMax: 1, Nadam: 0.3,
});

/** The full comparison, in table order. */
export const ALL = ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'Adam', 'AdamW', 'AdaMax', 'Nadam'];

/** --quick: plain SGD against Adam, three lrs each around the full search's winner. */
export const QUICK = ['SGD', 'Adam'];

/**
 * @param {Record<string, any>} descent - the package's exports
 * @param {string[]} names
 * @param {boolean} quick - use the 3-point grid (the middle three of the five)
 * @returns {SpamOptimizer[]}
 */
export function spamOptimizers(descent, names, quick) {
  return names.map((name) => ({
    name,
    notes: NOTES[name],
    grid: quick ? GRIDS[name].slice(1, 4) : GRIDS[name],
    create: (params, lr) => new descent[name](params, { lr }),
  }));
}
