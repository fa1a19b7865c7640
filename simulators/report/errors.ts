import { TerrariumError } from '../../src/errors.js';

/** The report directory or one of its files could not be written. */
export class ReportWriteError extends TerrariumError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super('SIM_REPORT_WRITE', `cannot write the simulation report to ${path}`, { cause });
  }
}

/** Vega-Lite/Vega failed to compile or render the chart. */
export class ChartRenderError extends TerrariumError {
  constructor(cause: unknown) {
    super('SIM_CHART_RENDER', 'cannot render the simulation chart', { cause });
  }
}
