/**
 * Static SVG charts for the HTML reports, rendered in Node: line charts (training curves, sweeps), bar
 * charts with error bars (metrics over seeds), scatter charts (trade-off plots).
 * @module
 */
export { lineChart, type LineChartOptions, type LineSeries } from './lineChart.js';
export { barChart, type Bar, type BarChartOptions, type BarSeries } from './barChart.js';
export { scatterChart, type ScatterChartOptions, type ScatterPoint, type ScatterSeries } from './scatterChart.js';
export { niceTicks, linearScale } from './scale.js';
