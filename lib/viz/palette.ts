/**
 * Series colours: Tableau 10 (a qualitative palette chosen for telling lines apart, including by
 * most colour-blind readers) followed by near-black, so eleven series get eleven distinct colours.
 * @packageDocumentation
 */

/** The palette in the order series receive it. */
export const SERIES_COLORS: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b',
  '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#1a1a1a',
];

/** The colour of the i-th series; wraps around after the last colour. */
export function seriesColor(index: number): string {
  const n = SERIES_COLORS.length;
  return SERIES_COLORS[((index % n) + n) % n]!;
}
