import type { LoggerInterface } from 'vega';
import { chartSpec } from './chart-spec.js';
import { ChartRenderError } from './errors.js';
import type { SimReport } from './types.js';

/**
 * A Vega/Vega-Lite logger that keeps messages instead of printing them: Vega logs a failed
 * render and still returns a (blank) SVG, so errors must be collected and turned into a throw.
 */
function collectingLogger(vega: typeof import('vega')): { errors: string[]; warnings: string[]; logger: LoggerInterface } {
  const errors: string[] = [];
  const warnings: string[] = [];
  // Vega passes the call's `arguments` object, not an array.
  const text = (input: ArrayLike<unknown>): string =>
    Array.from(input, (a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = vega.logger(vega.Warn, undefined, (method, _level, input) => (method === 'error' ? errors : warnings).push(text(input)));
  return { errors, warnings, logger };
}

/**
 * Loads Vega and Vega-Lite on first use: they are optional dependencies, needed only for the
 * report chart (`terrarium simulate --report`), and the Pi installer leaves them out.
 * @throws ChartRenderError naming the packages to install when they are absent
 */
async function loadVega(): Promise<{ vega: typeof import('vega'); vegaLite: typeof import('vega-lite') }> {
  try {
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    return { vega, vegaLite };
  } catch (e) {
    throw new ChartRenderError(new Error(`the report chart needs the optional packages vega and vega-lite (npm install vega vega-lite): ${(e as Error).message}`));
  }
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
  const { vega, vegaLite } = await loadVega();
  const log = collectingLogger(vega);
  let svg: string;
  try {
    const spec = vegaLite.compile(chartSpec(report), { logger: log.logger }).spec;
    const view = new vega.View(vega.parse(spec), { renderer: 'none', logger: log.logger, logLevel: vega.Warn });
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
