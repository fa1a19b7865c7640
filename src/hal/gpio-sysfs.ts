import { BackendUnavailableError, errnoOf, GpioError } from './errors.js';
import type { DigitalInput, DigitalOutput, GpioProvider } from './gpio.js';
import { sysfsGpioNumber } from './sysfs-gpio-number.js';

/** The part of an `onoff` `Gpio` this backend uses (onoff 6, `onoff.d.ts`). */
export interface OnoffGpio {
  read(): Promise<0 | 1>;
  write(value: 0 | 1): Promise<void>;
  unexport(): void;
}

/** The part of the `onoff` module this backend uses; `typeof import('onoff')` satisfies it. */
export interface OnoffModule {
  Gpio: new (gpio: number, direction: 'in' | 'out' | 'high' | 'low') => OnoffGpio;
}

/** Options of {@link SysfsGpioProvider}. */
export interface SysfsGpioOptions {
  /** The legacy sysfs GPIO class directory. Default `/sys/class/gpio`. */
  root?: string;
  /** Label of the header controller when it is not a Raspberry Pi default (see `sysfsGpioNumber`). */
  chipLabel?: string;
  /** Loads `onoff`; tests inject a fake. Default: `await import('onoff')`. */
  load?: () => Promise<OnoffModule>;
}

/** Imports the optional native `onoff` package; the specifier is a variable so tsc never needs it installed. */
async function importOnoff(): Promise<OnoffModule> {
  const specifier: string = 'onoff';
  const mod = (await import(specifier)) as Partial<OnoffModule> & { default?: Partial<OnoffModule> };
  const Gpio = mod.Gpio ?? mod.default?.Gpio;
  if (!Gpio) throw new Error('the onoff module has no Gpio export');
  return { Gpio };
}

/** One exported sysfs line. `write`/`read` go through `gpioN/value`. */
class SysfsLine implements DigitalOutput, DigitalInput {
  private closed = false;

  constructor(
    readonly line: number,
    private readonly sysfsNumber: number,
    private readonly gpio: OnoffGpio,
  ) {}

  async write(level: boolean): Promise<void> {
    this.assertOpen();
    try {
      await this.gpio.write(level ? 1 : 0);
    } catch (e) {
      throw new GpioError(errnoOf(e), this.line, `cannot write ${level ? 1 : 0} to sysfs gpio${this.sysfsNumber}`, { cause: e });
    }
  }

  async read(): Promise<boolean> {
    this.assertOpen();
    let v: 0 | 1;
    try {
      v = await this.gpio.read();
    } catch (e) {
      throw new GpioError(errnoOf(e), this.line, `cannot read sysfs gpio${this.sysfsNumber}`, { cause: e });
    }
    if (v !== 0 && v !== 1) throw new GpioError('EIO', this.line, `sysfs gpio${this.sysfsNumber} read back ${String(v)}, not 0 or 1`);
    return v === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.gpio.unexport();
    } catch (e) {
      throw new GpioError(errnoOf(e), this.line, `cannot unexport sysfs gpio${this.sysfsNumber}`, { cause: e });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new GpioError('EINVAL', this.line, 'line is closed');
  }
}

/**
 * GPIO through the legacy sysfs ABI with the optional `onoff` package (Raspberry Pi OS Bookworm and
 * older). `onoff` is imported lazily on first use, so this file loads on a laptop without it; a
 * missing package fails then, with {@link BackendUnavailableError}. BCM lines are mapped to sysfs
 * numbers by the header controller's label (`sysfsGpioNumber`: base 512/571 on kernel 6.6+).
 *
 * Safety: an exported sysfs line KEEPS its last level when the process crashes (nothing releases
 * it), so a heater relay stays as it was. That is why the systemd unit has an `ExecStopPost=` that
 * drives outputs to their safe state, and why heat needs a hardware thermostat cut-off.
 * `close()` unexports the line; the pin then keeps its level until something else drives it.
 *
 * Bias: sysfs cannot set pull-up/down; `openInput`'s `pull` is ignored here. Set it in
 * `/boot/firmware/config.txt` (e.g. `gpio=5=ip,pu`) or use the libgpiod backend.
 */
export class SysfsGpioProvider implements GpioProvider {
  private modulePromise: Promise<OnoffModule> | undefined;

  constructor(private readonly opts: SysfsGpioOptions = {}) {}

  async openOutput(line: number, initialLevel: boolean): Promise<DigitalOutput> {
    // 'high'/'low' configure the direction and the initial level in one write: no glitch to the other level.
    return this.open(line, initialLevel ? 'high' : 'low');
  }

  async openInput(line: number, _pull?: 'up' | 'down' | 'none'): Promise<DigitalInput> {
    return this.open(line, 'in');
  }

  private async open(line: number, direction: 'in' | 'high' | 'low'): Promise<SysfsLine> {
    const n = await sysfsGpioNumber(line, this.opts.root ?? '/sys/class/gpio', this.opts.chipLabel);
    const { Gpio } = await this.onoff();
    try {
      return new SysfsLine(line, n, new Gpio(n, direction));
    } catch (e) {
      const as = direction === 'in' ? 'an input' : `an output at ${direction === 'high' ? 1 : 0}`;
      throw new GpioError(errnoOf(e), line, `cannot export sysfs gpio${n} as ${as}`, { cause: e });
    }
  }

  private onoff(): Promise<OnoffModule> {
    this.modulePromise ??= (this.opts.load ?? importOnoff)().catch((e: unknown) => {
      this.modulePromise = undefined;
      throw new BackendUnavailableError(
        'GPIO backend "sysfs" needs the optional onoff package, which is not installed or did not build: ' +
          'run `npm install onoff` on the Pi (needs build-essential and python3), or set hardware.gpio.driver to "libgpiod"',
        { cause: e },
      );
    });
    return this.modulePromise;
  }
}
