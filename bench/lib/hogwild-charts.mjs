// The Hogwild! benchmark's two charts, drawn with the package's own SVG line chart (lib/viz):
// speed-up of 2 threads over 1 per mode (the no-sharing ceiling included), and the training
// objective against training wall time of the 5-epoch quality runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {{ lineChart: (o: object) => string }} lib the package's exports
 * @param {string} dir results directory
 * @param {{ sparse: object[], mf: object[], curves: Array<{ label: string, points: Array<{ seconds: number, loss: number }> }> }} r
 */
export function writeCharts(lib, dir, r) {
  const series = [];
  for (const [set, rows] of [['SVM', r.sparse], ['MF', r.mf]]) {
    for (const label of [...new Set(rows.map((x) => x.label))]) {
      const points = rows.filter((x) => x.label === label).sort((a, b) => a.threads - b.threads);
      // Rows without a 1-thread run of their own start from their base's 1.0.
      const x = points[0].threads === 1 ? [] : [1];
      const y = points[0].threads === 1 ? [] : [1];
      for (const p of points) {
        x.push(p.threads);
        y.push(p.togetherSpeedup ?? p.speedupBest);
      }
      series.push({ name: `${set}: ${label}`, x, y });
    }
  }
  series.push({ name: 'linear (ideal)', x: [1, 2], y: [1, 2], color: '#000000' });
  writeFileSync(join(dir, 'hogwild-speedup.svg'), lib.lineChart({
    title: 'Hogwild!: speed-up over 1 thread',
    subtitle: 'chunks both threads ran together (else whole epochs); > 2 cores: not measured',
    xLabel: 'threads', yLabel: 'speed-up (×)', series, xDomain: [1, 2],
    yDomain: [0, Math.max(2.2, ...series.flatMap((s) => s.y).filter(Number.isFinite)) + 0.1],
  }));
  writeFileSync(join(dir, 'hogwild-loss.svg'), lib.lineChart({
    title: 'RCV1-like SVM: objective vs time',
    subtitle: 'after each of 5 epochs; wall time on a shared machine',
    xLabel: 'training wall time (s)', yLabel: 'training objective',
    series: r.curves.map((c) => ({ name: c.label, x: [0, ...c.points.map((p) => p.seconds)].slice(1), y: c.points.map((p) => p.loss) })),
  }));
}
