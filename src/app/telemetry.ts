import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Clock } from '../hal/clock.js';
import type { Random } from '../resilience/random.js';
import { Outbox } from '../store/outbox.js';
import { outboxFile, outboxOptions, Telemetry } from '../telemetry/telemetry.js';
import { VERSION } from '../version.js';
import type { CommandSinkImpl, TelemetryPort } from './controller.js';

/**
 * Telemetry for the controller when the config has an `mqtt` section: MQTT.js with the SQLite
 * outbox in the state directory. `undefined` without one: the controller runs fine with no broker.
 */
export function createTelemetry(config: Config, clock: Clock, log: Logger, random: Random): ((sink: CommandSinkImpl) => TelemetryPort) | undefined {
  if (!config.mqtt) return undefined;
  return (sink) => {
    const outbox = new Outbox(outboxFile(config), outboxOptions(config, clock));
    const t = new Telemetry({ config, clock, random, log: log.child({ component: 'mqtt' }), outbox, sink, swVersion: VERSION });
    return {
      start: () => t.start(),
      publishSnapshot: (s) => t.publishSnapshot(s),
      publishHealth: (h) => t.publishHealth(h),
      publishEvent: (id, ev) => t.publishEvent(id, ev),
      drainCommands: (n) => t.drainCommands(n),
      health: () => [t.brokerHealth()],
      async stop() {
        try {
          await t.stop();
        } finally {
          outbox.close();
        }
      },
    };
  };
}
