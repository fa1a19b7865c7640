import { type LoggerInterface, View, Warn as VEGA_WARN, parse, logger as vegaLogger } from 'vega';
import { compile } from 'vega-lite';
import { chartSpec } from './chart-spec.js';
import { ChartRenderError } from './errors.js';
import type { SimReport } from './types.js';

/**
 * A Vega/Vega-Lite logger that keeps messages instead of printing them: Vega logs a failed
 * render and still returns a (blank) SVG, so errors must be collected and turned into a throw.
 */
function collectingLogger(): { errors: string[]; warnings: string[]; logger: LoggerInterface } {
  const errors: string[] = [];
  const warnings: string[] = [];
  // Vega passes the call's `arguments` object, not an array.
  const text = (input: ArrayLike<unknown>): string =>
    Array.from(input, (a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = vegaLogger(VEGA_WARN, undefined, (method, _level, input) => (method === 'error' ? errors : warnings).push(text(input)));
  return { errors, warnings, logger };
}

/** The rendered chart and any warnings Vega-Lite/Vega logged while building it. */
export interface RenderedChart {
  svg: string;
  warnings: string[];
}

/**
 * Renders the report chart to an SVG document, server-side: Vega-Lite compiles the spec of
 * `chart-spec.ts` to Vega, a headless Vega view (`renderer: 'none'`) draws it to SVG.
 * @throws ChartRenderError when compiling or rendering fails or Vega logs an error
 */
export async function renderChart(report: SimReport): Promise<RenderedChart> {
  const log = collectingLogger();
  let svg: string;
  try {
    const vega = compile(chartSpec(report), { logger: log.logger }).spec;
    const view = new View(parse(vega), { renderer: 'none', logger: log.logger, logLevel: VEGA_WARN });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (e) {
    throw new ChartRenderError(e);
  }
  if (log.errors.length) throw new ChartRenderError(new Error(log.errors.join('; ')));
  return { svg, warnings: log.warnings };
}

/** {@link renderChart}'s SVG only. */
export async function renderChartSvg(report: SimReport): Promise<string> {
  return (await renderChart(report)).svg;
}
