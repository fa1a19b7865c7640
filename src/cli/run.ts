import { loadConfig } from '../config/load.js';
import { createLogger } from '../app/logger.js';
import { startService } from '../app/service.js';
import { SystemClock } from '../hal/system-clock.js';
import { EXIT, reportFatal } from './exit.js';

/**
 * `terrarium run`: validates the config (exit 2 on any problem), starts the controller in real
 * time and runs until SIGINT/SIGTERM, then drives every output to its safe state and exits 0.
 */
export async function runCommand(opts: { config: string; simulate?: boolean }): Promise<number> {
  let config;
  try {
    config = loadConfig(opts.config);
  } catch (e) {
    return reportFatal(e);
  }
  const clock = new SystemClock();
  const log = await createLogger(config.log.level, clock);
  // Listen before starting: a signal during start-up still stops cleanly once started.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let service;
  try {
    service = await startService({ config, clock, log, forceSim: opts.simulate === true });
  } catch (e) {
    log.fatal({ err: (e as Error).message }, 'controller failed to start');
    return EXIT.runtime;
  }
  log.info({ signal: await signal }, 'stopping: driving outputs to their safe state');
  try {
    await service.stop();
  } catch (e) {
    log.error({ err: (e as Error).message }, 'error while stopping');
    return EXIT.runtime;
  }
  return EXIT.ok;
}
