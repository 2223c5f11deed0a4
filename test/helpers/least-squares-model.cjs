// An AsyncModel for tests: mean squared error ½(x·w − y)² over dense rows, with a closed-form
// optimum the tests compute. createModel({ X, y, cols, throwAfter? }): throwAfter > 0 makes the
// gradient throw after that many calls in the worker whose rows start at row `throwFromRow` or later
// (to test failing workers).
'use strict';

exports.createModel = ({ X, y, cols, throwAfter = 0, throwWorkerRow = -1 }) => {
  const rows = y.length;
  let calls = 0;
  return {
    size: cols,
    examples: rows,
    gradient(w, batch, grad) {
      calls++;
      if (throwAfter > 0 && calls > throwAfter && batch[0] >= throwWorkerRow) throw new Error('model failed on purpose');
      let loss = 0;
      const scale = 1 / batch.length;
      for (let b = 0; b < batch.length; b++) {
        const r = batch[b];
        let m = 0;
        for (let j = 0; j < cols; j++) m += X[r * cols + j] * w[j];
        const e = m - y[r];
        loss += 0.5 * e * e;
        for (let j = 0; j < cols; j++) grad[j] += scale * e * X[r * cols + j];
      }
      return loss * scale;
    },
    loss(w) {
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        let m = 0;
        for (let j = 0; j < cols; j++) m += X[r * cols + j] * w[j];
        const e = m - y[r];
        loss += 0.5 * e * e;
      }
      return loss / rows;
    },
  };
};
