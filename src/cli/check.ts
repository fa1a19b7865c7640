import { loadConfig, type Config } from '../config/load.js';
import { createHardware } from '../app/hardware.js';
import { formatChecks, selfCheck, type CheckResult } from '../app/self-check.js';
import { queryStatusSocket } from '../app/status-server.js';
import type { StatusReport } from '../app/status-report.js';
import { SystemClock } from '../hal/system-clock.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { EXIT, reportFatal } from './exit.js';
import { resolveConfig } from './resolve-config.js';

/**
 * The rows of `check` when the controller is running: its own view of every component, asked
 * over the status socket, so `check` never opens the GPIO lines and buses the service holds.
 */
export function checksFromService(config: Config, report: StatusReport): CheckResult[] {
  const verdict = { healthy: 'ok', degraded: 'warn', unknown: 'warn', failed: 'fail' } as const;
  const rows: CheckResult[] = [
    { item: 'configuration', verdict: 'ok', detail: `${config.file}: ${config.enclosures.length} enclosure(s)` },
    { item: 'controller', verdict: 'ok', detail: `running (${report.ticks} ticks); devices checked through the service, lines not touched` },
  ];
  for (const enc of report.enclosures) {
    for (const h of enc.health) rows.push({ item: `${enc.enclosureId}/${h.id}`, verdict: verdict[h.status], detail: h.reason ?? h.status });
  }
  return rows;
}

/**
 * `terrarium check`: validates the configuration (exit 2 when invalid); when a controller runs on
 * it (its status socket answers) and the hardware is not forced to simulation, reports the
 * service's own component health instead of probing; otherwise probes every configured device
 * and the environment. Prints a table with a verdict per item, exits 1 on any failure.
 */
export async function checkCommand(
  opts: { config?: string; simulate?: boolean; json?: boolean },
  out: NodeJS.WritableStream = process.stdout,
  io: { stderr?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; platform?: Platform } = {},
): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const platform = io.platform ?? createPlatform({ env: io.env });
  let config: Config;
  try {
    config = opts.config !== undefined ? loadConfig(opts.config) : resolveConfig(opts, io.env ?? process.env, platform).config;
  } catch (e) {
    return reportFatal(e, stderr, opts.json);
  }
  try {
    let results: CheckResult[] | undefined;
    if (!opts.simulate) {
      const report = await queryStatusSocket(platform.statusSocketPath(config.controller.stateDir), { cmd: 'status' }).then(
        (r) => r as StatusReport,
        () => undefined,
      );
      if (report) results = checksFromService(config, report);
    }
    if (!results) {
      const built = await createHardware(config, new SystemClock(), { forceSim: opts.simulate === true });
      try {
        await built.ready(5_000);
        results = await selfCheck(config, built.hardware);
      } finally {
        await built.close();
      }
    }
    out.write(formatChecks(results));
    const failed = results.filter((r) => r.verdict === 'fail').length;
    out.write(failed ? `${failed} check(s) FAILED\n` : 'all checks passed\n');
    return failed ? EXIT.runtime : EXIT.ok;
  } catch (e) {
    return reportFatal(e, stderr, opts.json);
  }
}
