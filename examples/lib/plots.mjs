// The demo's pictures as SVG documents, drawn with the package's chart module (lib/viz).

import { FIGURE_4A, FIGURE_4B } from './figures.mjs';
import { tracePoints } from './trace.mjs';

/** Losses of exactly 0 (float32 lands on the minimizer) cannot sit on a log axis; they are drawn here. */
export const LOSS_FLOOR = 1e-16;

const fmtPoint = ([x, y]) => `(${x}, ${y})`;
const label = (row) => `${row.optimizer} (lr ${row.lr})`;
const boundsOf = (fn) => [fn.bounds.x[0], fn.bounds.x[1], fn.bounds.y[0], fn.bounds.y[1]];
const minimaOf = (fn) => (fn.minimizer ? [{ x: fn.minimizer[0], y: fn.minimizer[1] }] : []);
const steps = (trace) => Array.from(trace.loss, (_, t) => t);
const flooredLoss = (trace) => Array.from(trace.loss, (v) => Math.max(v, LOSS_FLOOR));
const floorNote = (rows) => (rows.some((r) => r.trace.loss.includes(0)) ? `; f = 0 drawn at ${LOSS_FLOOR}` : '');

/**
 * The optimizers of the paper's Figure 4. With all eleven on one contour plot the adaptive paths
 * run so close together that the last drawn hides the others, so each panel is drawn twice: with
 * these six, as in the paper, and with the Adam family. The line charts keep all eleven.
 */
export const PAPER_OPTIMIZERS = ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop'];
const inPaper = (row) => PAPER_OPTIMIZERS.includes(row.optimizer);
/**
 * AMSGrad's path is Adam's until Adam's second moment would shrink, which on these short runs is
 * almost never: AMSGrad goes on top, dashed, so that Adam's line shows through its gaps.
 */
const ADAM_ORDER = ['AdamW', 'AdaMax', 'Nadam', 'Adam', 'AMSGrad'];
const DASHES = { AMSGrad: [7, 5] };

/**
 * How an optimizer is drawn in every figure of the demo: the colour of its place in `names` (the
 * catalogue order, so that it keeps its colour everywhere) and, for AMSGrad, a dash pattern.
 * @param {{ seriesColor: (k: number) => string }} viz
 * @param {string[]} names
 * @returns {(name: string) => { color: string, dash?: number[] }}
 */
export function optimizerStyle(viz, names) {
  return (name) => ({ color: viz.seriesColor(names.indexOf(name)), ...(DASHES[name] ? { dash: DASHES[name] } : {}) });
}

/** Paths of the chosen rows, each in its optimizer's style, drawn in `order` (later on top) when given. */
function pathsOf(style, rows, keep, order) {
  const kept = rows.filter(keep);
  if (order) kept.sort((a, b) => order.indexOf(a.optimizer) - order.indexOf(b.optimizer));
  return kept.map((row) => ({ name: label(row), points: tracePoints(row.trace), ...style(row.optimizer) }));
}

/**
 * @param {{ contourPlot: Function, lineChart: Function, seriesColor: Function }} viz - the chart functions of the package
 * @param {{ fig4a: object, fig4b: object, rosenbrock: { fn: object, rows: object[], steps: number } }} runs
 * @param {(name: string) => { color: string, dash?: number[] }} style - from optimizerStyle
 * @returns {{ name: string, caption: string, svg: string }[]}
 */
export function demoFigures(viz, { fig4a, fig4b, rosenbrock }, style) {
  const a = FIGURE_4A, b = FIGURE_4B;
  const figures = [];
  figures.push({
    name: a.id,
    caption: `${a.panel}: the paper's six optimizers' paths on the Beale function from ${fmtPoint(a.start)}, ${a.steps} steps`,
    svg: viz.contourPlot({
      f: a.fn.value,
      bounds: a.window,
      paths: pathsOf(style, fig4a.rows, inPaper),
      minima: minimaOf(a.fn),
      title: `${a.panel}, redrawn: paths on the Beale function`,
      subtitle: `start ${fmtPoint(a.start)}, ${a.steps} steps, minimum (3, 0.5); contours log-spaced`,
    }),
  });
  figures.push({
    name: `${a.id}-adam`,
    caption: `${a.panel} with the Adam family: paths on the Beale function from ${fmtPoint(a.start)}, ${a.steps} steps`,
    svg: viz.contourPlot({
      f: a.fn.value,
      bounds: a.window,
      paths: pathsOf(style, fig4a.rows, (r) => !inPaper(r), ADAM_ORDER),
      minima: minimaOf(a.fn),
      title: `${a.panel}, the Adam family: paths on the Beale function`,
      subtitle: `start ${fmtPoint(a.start)}, ${a.steps} steps, minimum (3, 0.5); AMSGrad (dashed) runs on Adam's path`,
    }),
  });
  figures.push({
    name: `${a.id}-loss`,
    caption: `${a.panel}: loss per step on the Beale function (log scale)`,
    svg: viz.lineChart({
      series: fig4a.rows.map((r) => ({ name: label(r), x: steps(r.trace), y: flooredLoss(r.trace), ...style(r.optimizer) })),
      logY: true,
      title: 'Beale: loss per step',
      subtitle: `start ${fmtPoint(a.start)}, ${a.steps} steps${floorNote(fig4a.rows)}`,
      xLabel: 'step',
      yLabel: 'f(x, y)',
    }),
  });
  // SGD is drawn last: its whole path lies on the ridge, under the first part of Momentum's and Nesterov's.
  const saddleOrder = ['Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'SGD'];
  figures.push({
    name: b.id,
    caption: `${b.panel}: the paper's six optimizers started next to the saddle point of x² − y², ${b.steps} steps`,
    svg: viz.contourPlot({
      f: b.fn.value,
      bounds: b.window,
      paths: pathsOf(style, fig4b.rows, inPaper, saddleOrder),
      saddles: [{ x: 0, y: 0 }],
      title: `${b.panel}, redrawn: leaving a saddle point`,
      subtitle: `f = x² − y², start ${fmtPoint(b.start)} (just off the ridge y = 0), ${b.steps} steps`,
    }),
  });
  figures.push({
    name: `${b.id}-adam`,
    caption: `${b.panel} with the Adam family, started next to the saddle point of x² − y², ${b.steps} steps`,
    svg: viz.contourPlot({
      f: b.fn.value,
      bounds: b.window,
      paths: pathsOf(style, fig4b.rows, (r) => !inPaper(r), ADAM_ORDER),
      saddles: [{ x: 0, y: 0 }],
      title: `${b.panel}, the Adam family: leaving a saddle point`,
      subtitle: `f = x² − y², start ${fmtPoint(b.start)}, ${b.steps} steps (AMSGrad, dashed, runs on Adam's path)`,
    }),
  });
  figures.push({
    name: `${b.id}-escape`,
    caption: `${b.panel}: distance |y| from the ridge per step (log scale): how fast each optimizer breaks the symmetry`,
    svg: viz.lineChart({
      series: fig4b.rows.map((r) => ({ name: label(r), x: steps(r.trace), y: Array.from(r.trace.y, Math.abs), ...style(r.optimizer) })),
      logY: true,
      yDomain: [1e-4, 1e4],
      title: 'Saddle: breaking the symmetry',
      subtitle: `|y| per step from ${fmtPoint(b.start)}; escaped at |y| ≥ ${b.escapeY}, f = x² − y² then falls without bound`,
      xLabel: 'step',
      yLabel: '|y| (distance from the ridge)',
    }),
  });
  const rf = rosenbrock.fn;
  const rosenbrockPaths = (id, which, keep, order) => ({
    name: id,
    caption: `Paths of ${which} on the Rosenbrock function with their tuned learning rates, ${rosenbrock.steps} steps`,
    svg: viz.contourPlot({
      f: rf.value,
      bounds: boundsOf(rf),
      paths: pathsOf(style, rosenbrock.rows, keep, order),
      minima: minimaOf(rf),
      title: `Rosenbrock: paths of ${which}`,
      subtitle: `start ${fmtPoint(rf.start)}, ${rosenbrock.steps} steps, learning rate tuned per optimizer (table)`,
    }),
  });
  figures.push(rosenbrockPaths('rosenbrock-paths', "the paper's six optimizers", inPaper));
  figures.push(rosenbrockPaths('rosenbrock-paths-adam', 'the Adam family', (r) => !inPaper(r), ADAM_ORDER));
  figures.push({
    name: 'rosenbrock-loss',
    caption: `Loss per step on the Rosenbrock function (log-log), tuned learning rates, ${rosenbrock.steps} steps`,
    svg: viz.lineChart({
      // Step 0 has no place on a log axis: the curves start at step 1.
      series: rosenbrock.rows.map((r) => ({
        name: label(r), x: steps(r.trace).slice(1), y: flooredLoss(r.trace).slice(1), ...style(r.optimizer),
      })),
      logX: true,
      logY: true,
      title: 'Rosenbrock: loss per step',
      subtitle: `start ${fmtPoint(rf.start)}, ${rosenbrock.steps} steps, learning rate tuned per optimizer${floorNote(rosenbrock.rows)}`,
      xLabel: 'step',
      yLabel: 'f(x, y)',
    }),
  });
  return figures;
}
