/**
 * Axis scales: data value → pixel, and the ticks an axis shows. Linear ticks are "nice" steps
 * (1, 2 or 5 × 10^k); log ticks sit on powers of ten, with 2 and 5 added when the axis spans
 * too few decades to show two of them.
 * @packageDocumentation
 */

export type ScaleKind = 'linear' | 'log';

/** One tick: where it is in data units, its label ('' for an unlabelled minor tick). */
export interface Tick {
  value: number;
  label: string;
}

export interface Scale {
  readonly kind: ScaleKind;
  /** Data interval shown, low to high. */
  readonly domain: readonly [number, number];
  /** Pixel interval the domain maps onto (may run high to low, as a y axis does). */
  readonly range: readonly [number, number];
  /** Pixel position of a data value (extrapolates outside the domain; NaN for log of v ≤ 0). */
  map(value: number): number;
  ticks(): Tick[];
}

function checkDomain(domain: readonly [number, number], kind: ScaleKind): void {
  const [lo, hi] = domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new RangeError(`a ${kind} axis needs a finite domain with low < high (got [${lo}, ${hi}])`);
  }
  if (kind === 'log' && !(lo > 0)) throw new RangeError(`a log axis needs a positive domain (got [${lo}, ${hi}])`);
}

/** Decimals that show every multiple of `step` exactly (step is 1, 2 or 5 × 10^k). */
function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** Formats a tick value; magnitudes ≥ 1e5 or < 1e-3 use the exponent form, e.g. 1e-6 or 2e5. */
export function formatTickValue(value: number, decimals = 0): string {
  if (value === 0) return '0';
  const mag = Math.abs(value);
  if (mag >= 1e5 || mag < 1e-3) {
    const exp = Math.floor(Math.log10(mag) + 1e-9);
    return `${Number((value / 10 ** exp).toPrecision(3))}e${exp}`;
  }
  return value.toFixed(decimals).replace(/^-0(\.0+)?$/, '0');
}

/** The nice step (1, 2 or 5 × 10^k) that puts at most `maxCount` ticks on [lo, hi]. */
export function niceStep(lo: number, hi: number, maxCount: number): number {
  const raw = (hi - lo) / Math.max(1, maxCount - 1);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) {
    if (m * pow >= raw) return m * pow;
  }
  return 10 * pow;
}

/** Multiples of a nice step inside [lo, hi], computed as integers × step so no error accumulates. */
export function linearTicks(lo: number, hi: number, maxCount = 8): Tick[] {
  const step = niceStep(lo, hi, maxCount);
  const decimals = decimalsFor(step);
  const first = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9);
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const value = Number((i * step).toFixed(decimals + 1));
    ticks.push({ value, label: formatTickValue(value, decimals) });
  }
  return ticks;
}

/**
 * Powers of ten inside [lo, hi], every k-th labelled so that at most ~8 labels show; unlabelled
 * minor ticks at 2…9 × 10^k when the axis spans at most six decades; labelled 2 and 5 × 10^k when it
 * spans fewer than two decades (so every log axis reads at least two labels).
 */
export function logTicks(lo: number, hi: number): Tick[] {
  const firstExp = Math.ceil(Math.log10(lo) - 1e-9), lastExp = Math.floor(Math.log10(hi) + 1e-9);
  const lowExp = Math.floor(Math.log10(lo) + 1e-9);
  const decades = Math.log10(hi / lo);
  const labelEvery = Math.max(1, Math.ceil((lastExp - firstExp + 1) / 8));
  const ticks: Tick[] = [];
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  for (let e = lowExp; e <= lastExp + 1; e++) {
    const power = Number(`1e${e}`);
    if (inside(power)) ticks.push({ value: power, label: (e - firstExp) % labelEvery === 0 ? formatTickValue(power, Math.max(0, -e)) : '' });
    if (decades > 6) continue;
    for (let m = 2; m <= 9; m++) {
      const v = Number(`${m}e${e}`);
      if (!inside(v)) continue;
      const labelled = decades < 2 && (m === 2 || m === 5);
      ticks.push({ value: v, label: labelled ? formatTickValue(v, Math.max(0, -e)) : '' });
    }
  }
  return ticks.sort((a, b) => a.value - b.value);
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  checkDomain(domain, 'linear');
  const [d0, d1] = domain, [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return { kind: 'linear', domain, range, map: (v) => r0 + (v - d0) * k, ticks: () => linearTicks(d0, d1) };
}

export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  checkDomain(domain, 'log');
  const [d0, d1] = domain, [r0, r1] = range;
  const l0 = Math.log10(d0);
  const k = (r1 - r0) / (Math.log10(d1) - l0);
  return {
    kind: 'log',
    domain,
    range,
    map: (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : Number.NaN),
    ticks: () => logTicks(d0, d1),
  };
}

/** The largest 1, 2 or 5 × 10^k ≤ v (v > 0), or with `up` the smallest ≥ v. */
function roundTo125(v: number, up: boolean): number {
  const e = Math.floor(Math.log10(v));
  const candidates = [-1, 0, 1].flatMap((de) => [1, 2, 5].map((m) => Number(`${m}e${e + de}`)));
  const fits = candidates.filter((c) => (up ? c >= v * (1 - 1e-12) : c <= v * (1 + 1e-12)));
  return up ? Math.min(...fits) : Math.max(...fits);
}

/**
 * The domain an axis shows for data in [lo, hi]: widened to 1, 2 or 5 × 10^k (log; whole decades
 * would waste up to half a decade at each end) or to multiples of the nice step (linear); a single
 * value gets a margin around it.
 */
export function niceDomain(lo: number, hi: number, kind: ScaleKind): [number, number] {
  if (kind === 'log') {
    if (!(lo > 0) || !(hi > 0)) throw new RangeError(`a log axis needs positive data (got [${lo}, ${hi}])`);
    const a = roundTo125(lo, false), b = roundTo125(hi, true);
    return b > a ? [a, b] : [a / 10, a * 10];
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const step = niceStep(lo, hi, 8);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}
