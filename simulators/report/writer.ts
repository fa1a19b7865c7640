import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderChartSvg } from './chart.js';
import { ReportWriteError } from './errors.js';
import { reportJson } from './report-json.js';
import type { SimReport } from './types.js';

/** Where {@link writeReport} put the files. */
export interface WrittenReport {
  json: string;
  svg: string;
}

async function write(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (e) {
    throw new ReportWriteError(path, e);
  }
}

/**
 * Writes `dir/report.json` and `dir/report.svg`
 * (the chart), creating `dir` if needed.
 * @throws ReportWriteError if the directory or a file cannot be written; ChartRenderError if the chart fails
 */
export async function writeReport(dir: string, report: SimReport): Promise<WrittenReport> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new ReportWriteError(dir, e);
  }
  const json = join(dir, 'report.json');
  const svg = join(dir, 'report.svg');
  await write(json, `${JSON.stringify(reportJson(report), null, 2)}\n`);
  await write(svg, await renderChartSvg(report));
  return { json, svg };
}
