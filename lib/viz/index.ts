/**
 * Dependency-free SVG charts for optimizer studies: contour plots with optimizer paths, and line
 * charts with linear or log axes. Every function returns the SVG document as a string.
 * @packageDocumentation
 */
export { contourPlot } from './contour-plot';
export type { ContourPlotOptions, PathSeries } from './contour-plot';
export { lineChart } from './line-chart';
export type { LineChartOptions, LineSeries } from './line-chart';
export { contourLines, sampleGrid, logLevels, linearLevels } from './contour';
export type { SampledGrid, XY } from './contour';
export { SERIES_COLORS, seriesColor } from './palette';
export { escapeXml } from './svg';
