// TensorFlow.js peers: tf.train.* on the CPU backend (plain JS kernels) and on the WebAssembly
// backend (SIMD, single-threaded under Node), on the same data as our kernels. The wasm binary is
// loaded from node_modules; nothing goes to the network.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dataOfSize } from '../lib/data.mjs';
import { watchLoad } from '../lib/machine.mjs';
import { nativeContender, pairedRecord } from '../lib/native-suite.mjs';
import { measureInterleaved } from '../lib/timing.mjs';

const require = createRequire(import.meta.url);

/**
 * Loads tfjs-core with both backends registered.
 * @returns {Promise<{tf: object, version: string} | {error: string}>}
 */
export async function loadTfjs() {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${wasmDir}/`);
    // Production mode drops tfjs's debug checks (and its "install tfjs-node" banner): the fastest
    // configuration a user can pick, which is the fair one to compare against.
    tf.enableProdMode();
    return { tf, version: tf.version_core };
  } catch (err) {
    return { error: `cannot load TensorFlow.js: ${err.message.split('\n')[0]}` };
  }
}

/**
 * Switches tfjs to a backend. Returns an error message when the backend does not start.
 * @param {object} tf
 * @param {'cpu' | 'wasm'} backend
 */
export async function useBackend(tf, backend) {
  try {
    const ok = await tf.setBackend(backend);
    await tf.ready();
    if (!ok || tf.getBackend() !== backend) return `tfjs backend '${backend}' did not initialise`;
    return null;
  } catch (err) {
    return `tfjs backend '${backend}' failed: ${err.message.split('\n')[0]}`;
  }
}

/**
 * Times tf.train optimizers on the active backend, each interleaved with our native optimizer on
 * the same data, so that the speed-up compares measurements from the same rounds.
 * @param {object} ctx
 * @param {object} ctx.tf
 * @param {object} ctx.descent the package, for the paired native optimizer
 * @param {string} ctx.impl the label of the results ('tfjs-cpu' or 'tfjs-wasm')
 * @param {object[]} ctx.optimizers entries of OPTIMIZERS that have a tfjs factory
 * @param {number[]} ctx.sizes
 * @param {object} ctx.base shared data
 * @param {object} ctx.plan timing plan
 * @param {import('../lib/progress.mjs').Progress} ctx.progress
 * @returns {Promise<{records: object[], failures: object[]}>}
 */
export async function runTfjs({ tf, descent, impl, optimizers, sizes, base, plan, progress }) {
  const records = [];
  const failures = [];
  for (const optimizer of optimizers) {
    for (const n of sizes) {
      progress.start(`${impl}: ${optimizer.name} n=${n.toExponential(0)}`);
      const stopWatch = watchLoad();
      const data = dataOfSize(base, n);
      tf.engine().startScope();
      const name = `bench_${impl}_${optimizer.name}_${n}`;
      const variable = tf.variable(tf.tensor1d(data.params), true, name);
      const grads = { [name]: tf.tensor1d(data.grads) };
      const opt = optimizer.tfjs(tf);
      try {
        const peer = { id: impl, step: () => opt.applyGradients(grads) };
        const results = await measureInterleaved([peer, nativeContender(descent, optimizer.name, base, n)], { n, ...plan });
        records.push(pairedRecord(optimizer.name, impl, n, results, stopWatch().busyCoresOthers));
      } catch (err) {
        failures.push({ phase: impl, optimizer: optimizer.name, n, error: String(err?.message ?? err) });
        progress.note(`${impl} ${optimizer.name} n=${n}: FAILED: ${err?.message ?? err}`);
      } finally {
        opt.dispose();
        variable.dispose();
        tf.engine().endScope();
      }
      progress.step();
    }
  }
  return { records, failures };
}
