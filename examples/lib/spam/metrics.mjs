// Spam-filter metrics from predicted classes: spam (label +1) is the positive class.

/**
 * @param {Int32Array} predicted - 1 = spam, 0 = ham (predictClasses of a logistic model)
 * @param {Float32Array} labels - +1 spam, −1 ham
 */
export function classificationMetrics(predicted, labels) {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  predicted.forEach((p, i) => {
    const spam = labels[i] > 0;
    if (p === 1) spam ? tp++ : fp++;
    else spam ? fn++ : tn++;
  });
  const ratio = (a, b) => (b === 0 ? NaN : a / b);
  const precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn);
  return {
    accuracy: ratio(tp + tn, predicted.length),
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    confusion: { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn },
  };
}
