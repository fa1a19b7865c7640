import type { HardwareConfig } from '../config/hardware-schema.js';
import type { Clock } from './clock.js';
import { type CommandRunner, NodeCommandRunner } from './command-runner.js';
import { BackendUnavailableError } from './errors.js';
import { LibgpiodProvider } from './gpio-libgpiod.js';
import { type OnoffModule, SysfsGpioProvider } from './gpio-sysfs.js';
import type { GpioProvider } from './gpio.js';
import { type I2cBusModule, I2cBusProvider } from './i2c-bus-backend.js';
import type { Hardware } from './index.js';
import { SysfsOneWire } from './onewire-sysfs.js';

/** Seams for tests; production passes none. */
export interface PiHardwareDeps {
  /** Runs the gpiod tools (libgpiod driver). Default: {@link NodeCommandRunner}. */
  runner?: CommandRunner;
  /** Loads `i2c-bus`. Default: lazy `import('i2c-bus')` on first `open`. */
  loadI2c?: () => Promise<I2cBusModule>;
  /** Loads `onoff` (sysfs driver). Default: lazy `import('onoff')` on first open. */
  loadOnoff?: () => Promise<OnoffModule>;
}

function gpioProvider(cfg: HardwareConfig, clock: Clock, deps: PiHardwareDeps): GpioProvider {
  switch (cfg.gpio.driver) {
    case 'sysfs':
      return new SysfsGpioProvider({ root: cfg.gpio.sysfsRoot, chipLabel: cfg.gpio.chipLabel, load: deps.loadOnoff });
    case 'libgpiod':
      return new LibgpiodProvider({ runner: deps.runner ?? new NodeCommandRunner(), clock, chipLabel: cfg.gpio.chipLabel });
  }
}

/**
 * The real Raspberry Pi hardware (`hardware.backend: "pi"`): `i2c-bus` for I2C, the configured GPIO
 * driver (`libgpiod` tools or `sysfs` via onoff), and the w1 sysfs tree for 1-Wire.
 *
 * Nothing native is loaded here: this module imports on a laptop without `i2c-bus` or `onoff`,
 * and a missing backend fails loudly, with `BackendUnavailableError`, the first time it is used.
 * There is no fallback to simulation.
 *
 * @throws BackendUnavailableError when `cfg.backend` is not `"pi"`
 */
export function createPiHardware(cfg: HardwareConfig, clock: Clock, deps: PiHardwareDeps = {}): Hardware {
  if (cfg.backend !== 'pi') throw new BackendUnavailableError(`createPiHardware needs hardware.backend "pi", got "${cfg.backend}"`);
  return {
    kind: 'pi',
    clock,
    i2c: new I2cBusProvider({ load: deps.loadI2c }),
    gpio: gpioProvider(cfg, clock, deps),
    oneWire: new SysfsOneWire({ root: cfg.oneWireRoot, clock }),
  };
}
