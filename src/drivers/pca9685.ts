import type { Clock } from '../hal/clock.js';
import type { I2cBus } from '../hal/i2c.js';
import { DriverArgumentError } from './errors.js';
import {
  CHANNELS,
  INTERNAL_OSCILLATOR_HZ,
  LED_FULL,
  MODE1_AI,
  MODE1_RESTART,
  MODE1_SLEEP,
  MODE2_OUTDRV,
  OSCILLATOR_STARTUP_MS,
  PRE_SCALE_MAX,
  PRE_SCALE_MIN,
  PWM_STEPS,
  REG_MODE1,
  REG_MODE2,
  REG_PRE_SCALE,
  dutyFromRegisters,
  frequencyFor,
  ledRegister,
  prescaleFor,
} from './pca9685-registers.js';

/** Construction options. */
export interface Pca9685Options {
  /** PWM update rate, Hz, 24..1526 (default 50: hobby servos expect a 20 ms frame). */
  frequencyHz?: number;
  /** Oscillator frequency, Hz (default the internal 25 MHz, §7.3.5); set a measured value to trim servo timing. */
  oscillatorHz?: number;
}

/**
 * NXP PCA9685 16-channel 12-bit PWM controller over I2C (data sheet Rev. 4): channels drive servos
 * (feeder hatch) and LED dimmers. Totem-pole outputs, auto-increment on, ALLCALL off (so the board
 * does not also answer the all-call address 0x70). Methods reject with `I2cError` from the bus and
 * `DriverArgumentError` for a bad channel, duty, pulse width or frequency.
 */
export class Pca9685 {
  /** e.g. `PCA9685 i2c-1 0x40`. */
  readonly description: string;

  constructor(
    private readonly bus: I2cBus,
    private readonly address: number,
    private readonly clock: Clock,
    private readonly options: Pca9685Options = {},
  ) {
    this.description = `PCA9685 i2c-${bus.busNumber} 0x${address.toString(16).padStart(2, '0')}`;
  }

  /** The PRE_SCALE value for the configured frequency (§7.3.5); throws `DriverArgumentError` outside 3..255. */
  get prescale(): number {
    const f = this.options.frequencyHz ?? 50;
    const prescale = prescaleFor(this.oscillatorHz, f);
    if (!(Number.isFinite(prescale) && prescale >= PRE_SCALE_MIN && prescale <= PRE_SCALE_MAX)) {
      throw new DriverArgumentError('frequencyHz', `${this.description}: ${f} Hz needs PRE_SCALE ${prescale}, outside ${PRE_SCALE_MIN}..${PRE_SCALE_MAX} (about 24..1526 Hz)`);
    }
    return prescale;
  }

  /** The update rate the chip actually runs at, Hz: osc / (4096 · (PRE_SCALE + 1)); 50.03 Hz for 50 Hz. */
  get frequencyHz(): number {
    return frequencyFor(this.oscillatorHz, this.prescale);
  }

  /**
   * Configures the chip (§7.3.1, §7.3.1.1, §7.3.5): MODE2 = OUTDRV; MODE1 = SLEEP|AI (oscillator
   * off, the only state in which PRE_SCALE can be written); PRE_SCALE; MODE1 = AI (wake); wait
   * 500 µs for the oscillator; MODE1 = AI|RESTART (restarts PWM channels that were running before
   * the sleep, and clears RESTART). LEDn registers are left as they are: callers re-apply outputs.
   */
  async init(): Promise<void> {
    const prescale = this.prescale;
    await this.bus.writeByte(this.address, REG_MODE2, MODE2_OUTDRV);
    await this.bus.writeByte(this.address, REG_MODE1, MODE1_SLEEP | MODE1_AI);
    await this.bus.writeByte(this.address, REG_PRE_SCALE, prescale);
    await this.bus.writeByte(this.address, REG_MODE1, MODE1_AI);
    await this.clock.sleep(OSCILLATOR_STARTUP_MS);
    await this.bus.writeByte(this.address, REG_MODE1, MODE1_AI | MODE1_RESTART);
  }

  /**
   * Recovery "reset": re-writes MODE1, MODE2 and PRE_SCALE as {@link init} does. It deliberately does
   * not send the I2C general-call SWRST (address 0x00, byte 0x06, §7.6): that resets every PCA9685
   * on the bus, including boards other enclosures depend on.
   */
  async reset(): Promise<void> {
    await this.init();
  }

  /**
   * Sets `channel` (0..15) to `duty` (0..1) with the pulse starting at count 0 (§7.3.3): 0 writes the
   * full-OFF bit, 1 the full-ON bit, anything else OFF = round(duty · 4096) clamped to 1..4095.
   */
  async setDutyCycle(channel: number, duty: number): Promise<void> {
    this.checkChannel(channel);
    if (!(Number.isFinite(duty) && duty >= 0 && duty <= 1)) throw new DriverArgumentError('duty', `${this.description}: duty ${duty} outside 0..1`);
    await this.writeCounts(channel, duty === 0 ? 0 : duty === 1 ? PWM_STEPS : Math.min(PWM_STEPS - 1, Math.max(1, Math.round(duty * PWM_STEPS))));
  }

  /**
   * Sets a pulse `us` microseconds high per period (servos: 1000..2000 µs at 50 Hz). One count is
   * (PRE_SCALE + 1) / osc seconds (§7.3.5), so counts = round(us · osc / ((PRE_SCALE + 1) · 10^6)).
   * 0 µs is full OFF; a pulse as long as the period is full ON; longer throws `DriverArgumentError`.
   */
  async setPulseWidthUs(channel: number, us: number): Promise<void> {
    this.checkChannel(channel);
    const periodUs = 1e6 / this.frequencyHz;
    if (!(Number.isFinite(us) && us >= 0 && us <= periodUs)) {
      throw new DriverArgumentError('pulseWidthUs', `${this.description}: pulse ${us} µs outside 0..${periodUs.toFixed(0)} µs (the PWM period)`);
    }
    await this.writeCounts(channel, Math.min(PWM_STEPS, Math.round((us * this.oscillatorHz) / ((this.prescale + 1) * 1e6))));
  }

  /**
   * Turns `channel` off with one byte: the full-OFF bit in LEDn_OFF_H, which overrides everything
   * else (§7.3.3) and needs no auto-increment, so it works even on a chip that lost its setup.
   */
  async fullOff(channel: number): Promise<void> {
    this.checkChannel(channel);
    await this.bus.writeByte(this.address, ledRegister(channel) + 3, LED_FULL);
  }

  /** Reads `channel`'s duty cycle (0..1) back from its LEDn registers (§7.3.3). */
  async readDutyCycle(channel: number): Promise<number> {
    this.checkChannel(channel);
    const r = await this.bus.readBlock(this.address, ledRegister(channel), 4);
    return dutyFromRegisters(r[0], r[1], r[2], r[3]);
  }

  private get oscillatorHz(): number {
    return this.options.oscillatorHz ?? INTERNAL_OSCILLATOR_HZ;
  }

  /** Writes ON = 0 and OFF = `counts` (0 -> full OFF, 4096 -> full ON) in one auto-increment block. */
  private async writeCounts(channel: number, counts: number): Promise<void> {
    const data =
      counts <= 0 ? Uint8Array.of(0, 0, 0, LED_FULL) : counts >= PWM_STEPS ? Uint8Array.of(0, LED_FULL, 0, 0) : Uint8Array.of(0, 0, counts & 0xff, counts >> 8);
    await this.bus.writeBlock(this.address, ledRegister(channel), data);
  }

  private checkChannel(channel: number): void {
    if (!(Number.isInteger(channel) && channel >= 0 && channel < CHANNELS)) {
      throw new DriverArgumentError('channel', `${this.description}: channel ${channel} outside 0..${CHANNELS - 1}`);
    }
  }
}
