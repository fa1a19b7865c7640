import type { Config } from '../config/load.js';
import { Pca9685 } from '../drivers/pca9685.js';
import { RelayOutput } from '../drivers/relay.js';
import { Pca9685Pool } from './build-devices.js';
import { outputDriverFactory } from './output-drivers.js';
import { describeError } from '../errors.js';
import type { Hardware } from '../hal/index.js';

/** Outcome per output of {@link driveOutputsSafe}. */
export interface SafeOutputResult {
  output: string;
  ok: boolean;
  detail: string;
}

/**
 * Drives every configured output OFF without a running controller (systemd `ExecStopPost=`,
 * `terrarium safe-outputs`): relay lines and relay-pulse feeders at their OFF level (active-low
 * handled by the relay driver), relays on I2C expander lines likewise, smart plugs told OFF and
 * their confirmation awaited, PCA9685 channels fully off. Every output is tried, whatever
 * failed before it. A crashed process can leave sysfs lines at their last level: this is the
 * guarantee that a heater does not stay on because the controller died.
 */
export async function driveOutputsSafe(config: Config, hw: Hardware): Promise<SafeOutputResult[]> {
  const results: SafeOutputResult[] = [];
  const boards = new Pca9685Pool(hw);
  for (const enc of config.enclosures) {
    for (const a of enc.actuators) {
      const name = `${enc.id}/${a.id}`;
      try {
        if (a.kind === 'feeder') {
          if (a.drive.type !== 'relay-pulse') continue;
          const r = new RelayOutput(hw.gpio, { pin: a.drive.pin, activeLow: a.drive.activeLow, startupState: 'off' });
          await r.init();
          await r.close();
          results.push({ output: name, ok: true, detail: `GPIO${a.drive.pin} off` });
        } else if (a.output.type === 'pca9685') {
          const bus = await hw.i2c.open(a.output.bus);
          try {
            const board = new Pca9685(bus, a.output.address, hw.clock);
            await board.fullOff(a.output.channel);
          } finally {
            await bus.close();
          }
          results.push({ output: name, ok: true, detail: `PCA9685 channel ${a.output.channel} off` });
        } else {
          // Relays on GPIO or expander lines and smart plugs: the driver's own init-off-close.
          const driver = await outputDriverFactory(a.output, 'off', hw, boards, boards.expanders, `terrarium-safe-${enc.id}-${a.id}`)();
          await driver.init();
          await driver.set(false);
          await driver.close();
          results.push({ output: name, ok: true, detail: `${driver.description} off` });
        }
      } catch (e) {
        results.push({ output: name, ok: false, detail: describeError(e) });
      }
    }
  }
  return results;
}
