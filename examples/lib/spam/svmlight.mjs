// Writes a CSR matrix and ±1 labels in svmlight format (1-based feature ids, as scikit-learn's
// load_svmlight_file reads by default), for the scikit-learn baseline in bench/spam-sklearn.py.

import * as fs from 'node:fs';

/**
 * @param {string} file
 * @param {{ indptr: Int32Array, indices: Int32Array, values: Float32Array, cols: number }} X
 * @param {Float32Array} y
 */
export function writeSvmlight(file, X, y) {
  const lines = [];
  for (let r = 0; r + 1 < X.indptr.length; r++) {
    const parts = [y[r] > 0 ? '+1' : '-1'];
    // Float32 values printed with 9 significant digits round-trip exactly
    for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) parts.push(`${X.indices[p] + 1}:${Number(X.values[p].toPrecision(9))}`);
    lines.push(parts.join(' '));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}
