/**
 * TensorFlow.js as a peer in tests: tfjs-core on its pure-JS cpu backend, and a small driver that
 * feeds an optimizer gradients we compute ourselves, so both sides see bit-identical inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export type Tfjs = typeof tf;

/**
 * tfjs-core with the cpu backend selected. Production mode only silences the cpu backend's
 * "install tfjs-node" notice (tfjs prints it through a warn that production mode skips); no op that
 * an optimizer uses reads the flag.
 */
export async function tfjsOnCpu(): Promise<Tfjs> {
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend failed to initialise');
  await tf.ready();
  return tf;
}

let runs = 0;

/**
 * Parameters held in tfjs variables and updated by a tfjs optimizer. Variables are registered by
 * name in tfjs's engine, so every driver names its own.
 */
export class TfjsDriver {
  private readonly variables: tf.Variable[];
  private readonly names: string[];

  constructor(private readonly optimizer: tf.Optimizer, initial: readonly Float32Array[]) {
    const run = runs++;
    this.names = initial.map((_, k) => `descent-tfjs-compat-${run}-${k}`);
    // tidy frees the initial tensors; the variables, which copy nothing but hold their own reference, stay.
    this.variables = tf.tidy(() => initial.map((p, k) => tf.variable(tf.tensor1d(p.slice(), 'float32'), true, this.names[k])));
  }

  /** The current parameters, copied out of tfjs. */
  values(): Float32Array[] {
    return this.variables.map((v) => (v.dataSync() as Float32Array).slice());
  }

  /** One `optimizer.applyGradients` with these gradients, in the order the parameters were given. */
  apply(grads: readonly Float32Array[]): void {
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      grads.forEach((g, k) => {
        named[this.names[k]!] = tf.tensor1d(g, 'float32');
      });
      this.optimizer.applyGradients(named);
    });
  }

  /**
   * Replaces the optimizer's state through `setWeights`, as after a restore: `slots[s][k]` is state
   * slot s (in the order the optimizer's getWeights lists them) of parameter k. The iteration count
   * restarts at 0.
   */
  async setState(slots: readonly (readonly Float32Array[])[]): Promise<void> {
    const weights: Parameters<tf.Optimizer['setWeights']>[0] = [{ name: 'iter', tensor: tf.scalar(0, 'int32') }];
    slots.forEach((slot, s) => slot.forEach((values, k) => {
      weights.push({ name: `${this.names[k]!}/slot${s}`, tensor: tf.tensor1d(values.slice(), 'float32') });
    }));
    await this.optimizer.setWeights(weights);
    // setWeights makes variables that hold their own reference to these tensors' data.
    tf.dispose(weights.map((w) => w.tensor));
  }

  /** Frees the variables and the optimizer's state tensors. */
  dispose(): void {
    this.optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() frees its own tensors but not the learning-rate
    // scalar its SGD base holds; free that too so the test can demand no leaks at all. (Not
    // instanceof: tfjs's Optimizer overrides Symbol.hasInstance to accept any optimizer.)
    if (this.optimizer.getClassName() === 'Momentum') tf.SGDOptimizer.prototype.dispose.call(this.optimizer);
    for (const v of this.variables) v.dispose();
  }
}
