// The Adam chart: ns/element against n on log-log axes, one line per implementation measured.
import { implLabel } from './report.mjs';
import { logLogChart } from './svg.mjs';

// Fixed colours per implementation so that charts of different runs compare at a glance.
const STYLE = {
  native: { color: '#d62728' },
  floor: { color: '#000000', dashed: true },
  js: { color: '#1f77b4' },
  'native-scalar': { color: '#ff7f0e' },
  'native-avx2': { color: '#e377c2' },
  'native-1thread': { color: '#8c564b', dashed: true },
  'tfjs-wasm': { color: '#2ca02c' },
  'tfjs-cpu': { color: '#17becf' },
  torch: { color: '#9467bd' },
  'torch-tuned-malloc': { color: '#9467bd', dashed: true },
};

function styleOf(impl) {
  if (STYLE[impl]) return STYLE[impl];
  if (/^native-\d+threads$/.test(impl)) return { color: '#7f7f7f', dashed: true };
  if (/^torch-tuned-malloc-\d+threads$/.test(impl)) return { color: '#c51b7d', dashed: true };
  return {};
}

/** "1thread" -> "1 thread", "2threads" -> "2 threads", an ISA name stays as it is. */
function variant(suffix) {
  return suffix.replace(/^(\d+)threads?$/, (_, k) => `${k} thread${k === '1' ? '' : 's'}`);
}

function label(impl, info) {
  if (impl === 'native') return `descent native (${info.isa}, default threads)`;
  if (impl.startsWith('native-')) return `descent native, ${variant(impl.slice('native-'.length))}`;
  if (impl.startsWith('floor-')) return `memory floor, ${variant(impl.slice('floor-'.length))}`;
  return implLabel(impl);
}

/**
 * Builds the Adam chart from result records.
 * @returns {{svg: string, series: string[]}} the document and the names of its series
 */
export function adamChart(records, info) {
  const adam = records.filter((r) => r.optimizer === 'Adam');
  const impls = [...new Set(adam.map((r) => r.impl))]
    // The threaded floor adds a line without adding insight next to the default-threads floor.
    .filter((impl) => !impl.startsWith('floor-'));
  const series = impls.map((impl) => ({
    name: label(impl, info),
    ...styleOf(impl),
    points: adam.filter((r) => r.impl === impl).sort((a, b) => a.n - b.n).map((r) => [r.n, r.nsPerElement]),
  }));
  const svg = logLogChart({
    title: 'Adam step: time per element vs parameter count',
    xLabel: 'parameters n (elements, log scale)',
    yLabel: 'ns per element per step (log scale)',
    series,
  });
  return { svg, series: series.map((s) => s.name) };
}
