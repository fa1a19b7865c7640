import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/load.js';
import { SystemClock } from '../hal/system-clock.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { EXIT, reportFatal } from './exit.js';
import { resolveConfig } from './resolve-config.js';

/**
 * `terrarium notify --test`: sends one test alert through every channel of the configuration's
 * `alerts` section now (not through the queue, so a running controller is not involved), and
 * prints one line per channel: `ok`, or `FAILED` and the reason. Exit 0 when every channel
 * delivered, 1 when any failed, 2 without `--test`, for an invalid configuration or one without
 * `alerts`.
 */
export async function notifyCommand(
  opts: { config?: string; test?: boolean },
  out: NodeJS.WritableStream = process.stdout,
  io: { stderr?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; platform?: Platform } = {},
): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  if (!opts.test) {
    stderr.write('terrarium notify: nothing to do; use --test to send a test alert through every configured channel\n');
    return EXIT.usage;
  }
  let config: Config;
  try {
    config = resolveConfig(opts, io.env ?? process.env, io.platform ?? createPlatform({ env: io.env })).config;
    if (!config.alerts) throw new ConfigError(config.file, [{ path: 'alerts', message: 'no alerts configured: add an "alerts" section with webhook, ntfy or email (docs/alerts.md)' }]);
  } catch (e) {
    return reportFatal(e, stderr);
  }
  try {
    const { sendTestAlert } = await import('../alerts/test-alert.js');
    const results = await sendTestAlert(config, new SystemClock());
    for (const r of results) out.write(`${r.channel.padEnd(8)} ${r.target}  ${r.ok ? 'ok' : `FAILED: ${r.reason ?? 'unknown'}`}\n`);
    const failed = results.filter((r) => !r.ok).length;
    out.write(failed ? `${failed} of ${results.length} channel(s) FAILED\n` : `test alert delivered through ${results.length} channel(s)\n`);
    return failed ? EXIT.runtime : EXIT.ok;
  } catch (e) {
    return reportFatal(e, stderr);
  }
}
