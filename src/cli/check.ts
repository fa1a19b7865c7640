import { loadConfig } from '../config/load.js';
import { createHardware } from '../app/hardware.js';
import { formatChecks, selfCheck } from '../app/self-check.js';
import { SystemClock } from '../hal/system-clock.js';
import { EXIT, reportFatal } from './exit.js';

/**
 * `terrarium check`: validates the configuration (exit 2 when invalid), probes every configured
 * device and the environment, prints a table with a verdict per item, exits 1 on any failure.
 */
export async function checkCommand(opts: { config: string; simulate?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let config;
  try {
    config = loadConfig(opts.config);
  } catch (e) {
    return reportFatal(e);
  }
  try {
    const { hardware } = await createHardware(config, new SystemClock(), { forceSim: opts.simulate === true });
    const results = await selfCheck(config, hardware);
    out.write(formatChecks(results));
    const failed = results.filter((r) => r.verdict === 'fail').length;
    out.write(failed ? `${failed} check(s) FAILED\n` : 'all checks passed\n');
    return failed ? EXIT.runtime : EXIT.ok;
  } catch (e) {
    return reportFatal(e);
  }
}
