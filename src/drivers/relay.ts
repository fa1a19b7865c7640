import { describeError } from '../errors.js';
import { errnoOf, GpioError, type HardwareErrno } from '../hal/errors.js';
import type { DigitalOutput, GpioProvider } from '../hal/gpio.js';
import { OutputError } from './errors.js';
import type { SwitchDriver } from './types.js';

/** Wiring of one relay channel (the `output` block of an actuator in the config). */
export interface RelayOptions {
  /** BCM line number. */
  pin: number;
  /** The relay closes (load powered) when the pin is LOW: most opto-isolated 4/8-channel boards. */
  activeLow: boolean;
  /** Logical state driven at `init()`; default `off` (a master cutoff relay uses `on`). */
  startupState?: 'off' | 'on';
}

function levelName(level: boolean): string {
  return level ? 'HIGH' : 'LOW';
}

/**
 * A relay channel on a GPIO line, in logical terms: `on` = load powered.
 *
 * This is the one place where active-low inversion happens: electrical level =
 * `on XOR activeLow`. Everything above speaks logical on/off, everything below electrical levels.
 * No retrying or verification policy here (`devices/` does that); I/O errors are `GpioError`.
 */
export class RelayOutput implements SwitchDriver {
  readonly description: string;
  private line: DigitalOutput | undefined;

  constructor(
    private readonly gpio: GpioProvider,
    private readonly options: RelayOptions,
  ) {
    this.description = `relay GPIO${options.pin} (${options.activeLow ? 'active-low' : 'active-high'})`;
  }

  /** Electrical level for a logical state: the single inversion point. */
  private levelFor(on: boolean): boolean {
    return on !== this.options.activeLow;
  }

  /**
   * Opens the line already driven to the startup state's level (so the relay never chatters at
   * boot), then reads it back. A line that reads back otherwise (pin claimed by an overlay, shorted,
   * wrong header) is driven to OFF, released and reported as `GpioError` (EIO) naming the pin and
   * both levels. Calling `init()` again first closes the open line (drive OFF, release).
   */
  async init(): Promise<void> {
    if (this.line) await this.close();
    const on = (this.options.startupState ?? 'off') === 'on';
    const wanted = this.levelFor(on);
    const line = await this.gpio.openOutput(this.options.pin, wanted);
    let actual: boolean;
    try {
      actual = await line.read();
    } catch (e) {
      return this.failAndRelease(line, e);
    }
    if (actual !== wanted) {
      const mismatch = new GpioError(
        'EIO',
        this.options.pin,
        `self-test: drove ${levelName(wanted)} (${on ? 'on' : 'off'}, ${this.options.activeLow ? 'active-low' : 'active-high'}) but read back ${levelName(actual)}`,
      );
      return this.failAndRelease(line, mismatch);
    }
    this.line = line;
  }

  /** Drives the relay on or off. Rejects with `OutputError('not-initialised')` before `init()`. */
  async set(on: boolean): Promise<void> {
    await this.open().write(this.levelFor(on));
  }

  /** The logical state from the line's electrical level (the output latch, not the contact). */
  async readBack(): Promise<boolean | undefined> {
    const level = await this.open().read();
    return level !== this.options.activeLow;
  }

  /**
   * Drives OFF and releases the line. The line is released even when the OFF write fails; the
   * write's error is then thrown (with a release failure, if any, in the message). No-op when closed.
   */
  async close(): Promise<void> {
    const line = this.line;
    if (!line) return;
    this.line = undefined;
    try {
      await line.write(this.levelFor(false));
    } catch (e) {
      return this.failAndRelease(line, e, false);
    }
    await line.close();
  }

  private open(): DigitalOutput {
    if (!this.line) throw new OutputError('not-initialised', `${this.description}: used before init() or after close()`);
    return this.line;
  }

  /**
   * After `primary` failed: drives OFF (unless `driveOff` is false), releases the line, then throws
   * `primary`; if a cleanup step fails too, throws a `GpioError` carrying every reason.
   */
  private async failAndRelease(line: DigitalOutput, primary: unknown, driveOff = true): Promise<never> {
    const problems: unknown[] = [];
    if (driveOff) {
      try {
        await line.write(this.levelFor(false));
      } catch (e) {
        problems.push(e);
      }
    }
    try {
      await line.close();
    } catch (e) {
      problems.push(e);
    }
    if (problems.length === 0) throw primary;
    const reasons = problems.map((p) => describeError(p)).join('; ');
    throw new GpioError(errnoFrom(primary), this.options.pin, `${describeError(primary)}; while releasing the line: ${reasons}`, { cause: primary });
  }
}

function errnoFrom(err: unknown): HardwareErrno {
  return err instanceof GpioError ? err.errno : errnoOf(err);
}
