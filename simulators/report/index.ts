/** The simulation report: record ticks, compute figures, write report.json + report.svg, print a summary. */
export { SimRecorder, recorderEventFromControl, type RunTotals, type SimRecorderOptions } from './recorder.js';
export { writeReport, type WrittenReport } from './writer.js';
export { formatSummary } from './summary.js';
export { reportJson } from './report-json.js';
export { renderChart, renderChartSvg, type RenderedChart } from './chart.js';
export { ChartRenderError, ReportWriteError } from './errors.js';
export type * from './types.js';
