// The AsyncModel of bench/async.mjs (and docs/async-sgd.md's example): logistic regression on CSR
// rows with ±1 labels, no penalty. createModel({ indptr, indices, values, cols, y, evalRows? }):
// arrays on SharedArrayBuffers are shared by every worker, not copied. loss(w) is the mean logistic
// loss over the first evalRows rows (default all), the same quantity hogwild() reports with l2 = 0.
'use strict';

/** log(1 + e^−m), without overflow for large |m|. */
function logistic(m) {
  return m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
}

exports.createModel = ({ indptr, indices, values, cols, y, evalRows }) => {
  const rows = y.length;
  const scored = Math.min(rows, evalRows ?? rows);
  const margin = (w, r) => {
    let m = 0;
    for (let k = indptr[r]; k < indptr[r + 1]; k++) m += w[indices[k]] * values[k];
    return y[r] > 0 ? m : -m;
  };
  return {
    size: cols,
    examples: rows,
    gradient(w, batch, grad) {
      const scale = 1 / batch.length;
      let loss = 0;
      for (let b = 0; b < batch.length; b++) {
        const r = batch[b];
        const m = margin(w, r);
        loss += logistic(m);
        // d/dw log(1 + e^−y·x·w) = −y·x·σ(−y·x·w)
        const coef = -(y[r] > 0 ? 1 : -1) * scale / (1 + Math.exp(m));
        for (let k = indptr[r]; k < indptr[r + 1]; k++) grad[indices[k]] += coef * values[k];
      }
      return loss * scale;
    },
    loss(w) {
      let loss = 0;
      for (let r = 0; r < scored; r++) loss += logistic(margin(w, r));
      return loss / scored;
    },
  };
};
