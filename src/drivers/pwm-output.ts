import { DriverArgumentError, OutputError } from './errors.js';
import type { DimmerDriver } from './types.js';

/**
 * The PCA9685 operations a dimmer uses; `Pca9685` (`drivers/pca9685.ts`) satisfies it.
 * Duty cycles are fractions 0..1 of the PWM period.
 */
export interface PwmBoard {
  readonly description: string;
  setDutyCycle(channel: number, duty: number): Promise<void>;
  fullOff(channel: number): Promise<void>;
  readDutyCycle(channel: number): Promise<number>;
}

/** One step of the PCA9685's 12-bit counter (datasheet §7.3.3: 4096 steps per period). */
const DUTY_STEP = 1 / 4096;

/** Options of a dimmer channel. */
export interface PwmDimmerOptions {
  /** Level driven at `init()`: `off` = 0, `on` = 1. Default `off`. */
  startupState?: 'off' | 'on';
}

/**
 * A dimmable output (LED driver's PWM input, 0..1) on one PCA9685 channel. The board is shared by
 * several channels, so it is initialised (frequency, MODE registers) once by its owner, not here.
 * Level 0 uses the channel's full-OFF bit (datasheet §7.3.3, LEDn_OFF_H bit 4), so "off" never
 * depends on counter arithmetic. I/O errors are the board's (`I2cError`).
 */
export class PwmDimmer implements DimmerDriver {
  readonly description: string;

  /**
   * @param board an initialised PCA9685
   * @param channel 0..15
   */
  constructor(
    private readonly board: PwmBoard,
    readonly channel: number,
    private readonly options: PwmDimmerOptions = {},
  ) {
    this.description = `dimmer ${board.description} ch${channel}`;
  }

  /**
   * Self-test: drives the startup level and reads the duty back; a duty more than one counter step
   * (1/4096) away throws `OutputError('read-back-mismatch')` after driving the channel fully off.
   */
  async init(): Promise<void> {
    const level = this.options.startupState === 'on' ? 1 : 0;
    await this.setLevel(level);
    const actual = await this.board.readDutyCycle(this.channel);
    if (Math.abs(actual - level) > DUTY_STEP) {
      await this.board.fullOff(this.channel);
      throw new OutputError('read-back-mismatch', `${this.description}: self-test drove duty ${level} but read back ${actual}`);
    }
  }

  /** On = full brightness (level 1), off = full-OFF. */
  async set(on: boolean): Promise<void> {
    await this.setLevel(on ? 1 : 0);
  }

  /**
   * Sets the brightness, 0..1 of the PWM period. Finite values outside 0..1 are clamped (a
   * controller ramp may overshoot by rounding); NaN or ±Infinity throws `DriverArgumentError`
   * and changes nothing.
   */
  async setLevel(level: number): Promise<void> {
    if (!Number.isFinite(level)) throw new DriverArgumentError('level', `${this.description}: level must be a finite number 0..1, got ${level}`);
    const clamped = Math.min(1, Math.max(0, level));
    if (clamped === 0) await this.board.fullOff(this.channel);
    else await this.board.setDutyCycle(this.channel, clamped);
  }

  /** `true` when the channel's duty read back from the chip is above zero. */
  async readBack(): Promise<boolean | undefined> {
    return (await this.board.readDutyCycle(this.channel)) > 0;
  }

  /** Drives the channel fully off. The board itself stays up for its other channels. */
  async close(): Promise<void> {
    await this.board.fullOff(this.channel);
  }
}
