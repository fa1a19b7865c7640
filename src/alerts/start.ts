import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import type { Random } from '../resilience/random.js';
import { Alerter } from './alerter.js';

/**
 * Builds and starts the {@link Alerter} for `terrarium run` (loaded by dynamic `import()` only
 * when `config.alerts` is set). Alerts are optional: when the queue cannot be opened (disk full,
 * permissions) this says so loudly and returns `undefined`, and control goes on without alerts.
 */
export function startAlerts(o: { config: Config; clock: Clock; log: Logger; random: Random }): Alerter | undefined {
  const alerter = new Alerter(o);
  try {
    alerter.start();
    return alerter;
  } catch (e) {
    o.log.error({ err: describeError(e) }, 'alerts unavailable (queue cannot be opened); control goes on without alerts');
    return undefined;
  }
}
