import { resolve } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../app/logger.js';
import { SystemClock } from '../hal/system-clock.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { loadScenario, type Scenario } from '../../simulators/scenario.js';
import { formatSummary, writeReport } from '../../simulators/report/index.js';
import { EXIT, reportFatal } from './exit.js';

/**
 * `terrarium simulate --config F --days N [--seed S] [--scenario F] [--report DIR]`: runs the
 * controller against the simulated terrarium in virtual time, prints a summary and, with
 * `--report`, writes `DIR/report.json` and `DIR/report.svg`. A progress bar is shown when stdout
 * is a terminal. Logs (warnings and up) go to stderr so the summary stays readable.
 */
export async function simulateCommand(opts: { config: string; days: number; seed?: number; scenario?: string; report?: string }): Promise<number> {
  let scenario: Scenario | undefined;
  let config;
  try {
    config = loadConfig(opts.config);
    if (opts.scenario) scenario = loadScenario(opts.scenario);
  } catch (e) {
    return reportFatal(e);
  }
  const wall = new SystemClock();
  const startedAt = wall.monotonic();
  const log = await createLogger(process.env.TERRARIUM_SIM_LOG ?? 'warn', wall, false);
  const bar = process.stdout.isTTY ? new SingleBar({ format: 'simulating {bar} {percentage}% | day {day}/{days} | {duration}s', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(100, 0, { day: 0, days: opts.days });
  try {
    const result = await runSimulation({
      config: { ...config, hardware: { ...config.hardware, backend: 'sim' } },
      days: opts.days,
      seed: opts.seed,
      scenario,
      log,
      onProgress: (f) => bar?.update(Math.round(f * 100), { day: Math.floor(f * opts.days), days: opts.days }),
      wallSeconds: () => (wall.monotonic() - startedAt) / 1000,
    });
    bar?.update(100, { day: opts.days, days: opts.days });
    bar?.stop();
    process.stdout.write(`${formatSummary(result.report)}\n`);
    if (opts.report) {
      const written = await writeReport(resolve(opts.report), result.report);
      process.stdout.write(`report: ${Object.values(written).join(', ')}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    bar?.stop();
    return reportFatal(e);
  }
}
