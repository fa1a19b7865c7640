import type { Logger } from 'pino';
import type { ActuatorSnapshot, EnclosureSnapshot } from '../control/snapshot.js';
import type { EnclosureRuntime } from './enclosure-runtime.js';
import type { Config } from '../config/load.js';
import type { Clock } from '../hal/clock.js';
import type { Random } from '../resilience/random.js';
import type { Outbox } from '../store/outbox.js';
import type { CommandHandler } from '../telemetry/command-handler.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { VERSION } from '../version.js';
import type { CommandSinkImpl, TelemetryPort } from './controller.js';

/**
 * Telemetry for the controller when the config has an `mqtt` section: MQTT.js with the SQLite
 * outbox in the state directory. `undefined` without one: the controller runs fine with no broker.
 *
 * MQTT.js and the SQLite driver are loaded by `start()`, not when this module is: together they
 * were a quarter of the start-up time (~130 ms on the benchmark machine, docs/performance.md),
 * which a controller without an `mqtt` section no longer pays. The controller calls the other
 * methods only after `start()` resolved; before that (and after a failed start) they do nothing.
 */
export function createTelemetry(config: Config, clock: Clock, log: Logger, random: Random): ((sink: CommandSinkImpl, intake: CommandHandler) => TelemetryPort) | undefined {
  if (!config.mqtt) return undefined;
  return (sink, intake) => {
    let outbox: Outbox | undefined;
    let t: Telemetry | undefined;
    return {
      async start() {
        const [{ Outbox }, { Telemetry, outboxFile, outboxOptions }] = await Promise.all([import('../store/outbox.js'), import('../telemetry/telemetry.js')]);
        outbox = new Outbox(outboxFile(config), outboxOptions(config, clock));
        t = new Telemetry({ config, clock, random, log: log.child({ component: 'mqtt' }), outbox, sink, intake, swVersion: VERSION });
        await t.start();
      },
      publishSnapshot: (s) => t?.publishSnapshot(s),
      publishHealth: (h) => t?.publishHealth(h),
      publishEvent: (id, ev) => t?.publishEvent(id, ev),
      drainCommands: (n) => t?.drainCommands(n) ?? 0,
      publishResult: (enc, r, qos) => t?.publishResult(enc, r, qos),
      health: () => (t ? [t.brokerHealth()] : []),
      status: () => t?.status() ?? { connected: false, authFailed: false, outboxPending: 0, outboxDropped: 0, commandsDropped: 0, attempts: 0 },
      async stop() {
        try {
          await t?.stop();
        } finally {
          outbox?.close();
        }
      },
    };
  };
}

/**
 * The enclosure's last snapshot with every output as it is now (after `stop()` drove them safe),
 * stamped `now`: published before `offline` so the retained state does not show a heater on.
 * @returns `undefined` before the first tick
 */
export function finalSnapshot(rt: EnclosureRuntime, now: number): EnclosureSnapshot | undefined {
  const last = rt.snapshot();
  if (!last) return undefined;
  const actuators: Record<string, ActuatorSnapshot> = { ...last.actuators };
  for (const [id, a] of rt.devices.actuators) {
    const st = a.state();
    actuators[id] = { ...actuators[id], on: st.on, ...(st.level === undefined ? {} : { level: st.level }), reason: st.reason };
  }
  return { ...last, at: now, actuators };
}
