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
 * @param {{ contourPlot: Function, lineChart: Function }} viz - the chart functions of the package
 * @param {{ fig4a: object, fig4b: object, rosenbrock: { fn: object, rows: object[], steps: number } }} runs
 * @returns {{ name: string, caption: string, svg: string }[]}
 */
export function demoFigures(viz, { fig4a, fig4b, rosenbrock }) {
  const a = FIGURE_4A, b = FIGURE_4B;
  const figures = [];
  figures.push({
    name: a.id,
    caption: `${a.panel}: every optimizer's path on the Beale function from ${fmtPoint(a.start)}, ${a.steps} steps`,
    svg: viz.contourPlot({
      f: a.fn.value,
      bounds: a.window,
      paths: fig4a.rows.map((r) => ({ name: label(r), points: tracePoints(r.trace) })),
      minima: minimaOf(a.fn),
      title: `${a.panel}, redrawn: paths on the Beale function`,
      subtitle: `start ${fmtPoint(a.start)}, ${a.steps} steps, minimum (3, 0.5); contours log-spaced`,
    }),
  });
  figures.push({
    name: `${a.id}-loss`,
    caption: `${a.panel}: loss per step on the Beale function (log scale)`,
    svg: viz.lineChart({
      series: fig4a.rows.map((r) => ({ name: label(r), x: steps(r.trace), y: flooredLoss(r.trace) })),
      logY: true,
      title: 'Beale: loss per step',
      subtitle: `start ${fmtPoint(a.start)}, ${a.steps} steps${floorNote(fig4a.rows)}`,
      xLabel: 'step',
      yLabel: 'f(x, y)',
    }),
  });
  figures.push({
    name: b.id,
    caption: `${b.panel}: every optimizer started next to the saddle point of x² − y², ${b.steps} steps`,
    svg: viz.contourPlot({
      f: b.fn.value,
      bounds: b.window,
      paths: fig4b.rows.map((r) => ({ name: label(r), points: tracePoints(r.trace) })),
      saddles: [{ x: 0, y: 0 }],
      title: `${b.panel}, redrawn: leaving a saddle point`,
      subtitle: `f = x² − y², start ${fmtPoint(b.start)} (just off the ridge y = 0), ${b.steps} steps`,
    }),
  });
  figures.push({
    name: `${b.id}-escape`,
    caption: `${b.panel}: distance |y| from the ridge per step (log scale): how fast each optimizer breaks the symmetry`,
    svg: viz.lineChart({
      series: fig4b.rows.map((r) => ({ name: label(r), x: steps(r.trace), y: Array.from(r.trace.y, Math.abs) })),
      logY: true,
      yDomain: [1e-4, 1e4],
      title: 'Saddle: breaking the symmetry',
      subtitle: `|y| per step from ${fmtPoint(b.start)}; escaped at |y| ≥ ${b.escapeY}, f = x² − y² then falls without bound`,
      xLabel: 'step',
      yLabel: '|y| (distance from the ridge)',
    }),
  });
  const rf = rosenbrock.fn;
  figures.push({
    name: 'rosenbrock-paths',
    caption: `Every optimizer's path on the Rosenbrock function with its tuned learning rate, ${rosenbrock.steps} steps`,
    svg: viz.contourPlot({
      f: rf.value,
      bounds: boundsOf(rf),
      paths: rosenbrock.rows.map((r) => ({ name: label(r), points: tracePoints(r.trace) })),
      minima: minimaOf(rf),
      title: 'Paths on the Rosenbrock function',
      subtitle: `start ${fmtPoint(rf.start)}, ${rosenbrock.steps} steps, learning rate tuned per optimizer (table)`,
    }),
  });
  figures.push({
    name: 'rosenbrock-loss',
    caption: `Loss per step on the Rosenbrock function (log-log), tuned learning rates, ${rosenbrock.steps} steps`,
    svg: viz.lineChart({
      // Step 0 has no place on a log axis: the curves start at step 1.
      series: rosenbrock.rows.map((r) => ({ name: label(r), x: steps(r.trace).slice(1), y: flooredLoss(r.trace).slice(1) })),
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
