import type { Clock } from '../../src/hal/clock.js';
import {
  CHANNELS,
  INTERNAL_OSCILLATOR_HZ,
  LED_FULL,
  MODE1_AI,
  MODE1_RESTART,
  MODE1_SLEEP,
  MODE2_INVRT,
  OSCILLATOR_STARTUP_MS,
  PRE_SCALE_MIN,
  REG_ALL_LED_ON_L,
  REG_LED0_ON_L,
  REG_MODE1,
  REG_MODE2,
  REG_PRE_SCALE,
  dutyFromRegisters,
  frequencyFor,
  ledRegister,
} from '../../src/drivers/pca9685-registers.js';
import type { I2cDeviceModel } from '../i2c-sim.js';

/** Last LEDn register (LED15_OFF_H). */
const LED_LAST = REG_LED0_ON_L + 4 * CHANNELS - 1;

/**
 * Register-level PCA9685 model (NXP data sheet Rev. 4, §7.3) for the physics and feeder simulation:
 * - power-on state (§7.5): MODE1 0x11 (SLEEP, ALLCALL), MODE2 0x04, every channel full OFF, PRE_SCALE 0x1E;
 * - PRE_SCALE is writable only while SLEEP = 1 (§7.3.5), values below 3 read back as 3;
 * - MODE1.AI = 0 stops the register pointer in block transfers ({@link autoIncrement});
 * - going to sleep with a channel running sets RESTART and halts PWM; writing RESTART = 1 at least
 *   500 µs after waking (on the `Clock`), or writing a LED register, restarts it (§7.3.1.1);
 * - ALL_LED_* (0xFA..0xFD) write every channel and read as 0 (§7.3.4).
 * Outputs are off while sleeping or halted.
 */
export class Pca9685Sim implements I2cDeviceModel {
  private readonly regs = new Uint8Array(256);
  private halted = false;
  private awakeSince = 0;
  private readonly writeListeners = new Set<() => void>();

  /** Calls `listener` after every register write (a servo or a load watching its channel). Returns the unsubscribe function. */
  onWrite(listener: () => void): () => void {
    this.writeListeners.add(listener);
    return () => {
      this.writeListeners.delete(listener);
    };
  }

  constructor(
    private readonly clock: Clock,
    private readonly options: { oscillatorHz?: number } = {},
  ) {
    this.powerOn();
  }

  /** Power-on reset (§7.5): what a power cycle or the general-call SWRST does. */
  powerOn(): void {
    this.regs.fill(0);
    this.regs[REG_MODE1] = MODE1_SLEEP | 0x01;
    this.regs[REG_MODE2] = 0x04;
    this.regs[0x02] = 0xe2; // SUBADR1..3, ALLCALLADR (Table 4)
    this.regs[0x03] = 0xe4;
    this.regs[0x04] = 0xe8;
    this.regs[0x05] = 0xe0;
    for (let ch = 0; ch < CHANNELS; ch++) this.regs[ledRegister(ch) + 3] = LED_FULL;
    this.regs[REG_PRE_SCALE] = 0x1e;
    this.halted = false;
  }

  autoIncrement(): boolean {
    return (this.regs[REG_MODE1] & MODE1_AI) !== 0;
  }

  readRegister(reg: number): number {
    if (reg >= REG_ALL_LED_ON_L && reg < REG_PRE_SCALE) return 0;
    return this.regs[reg];
  }

  writeRegister(reg: number, value: number): void {
    this.applyWrite(reg, value);
    for (const listener of this.writeListeners) listener();
  }

  private applyWrite(reg: number, value: number): void {
    if (reg === REG_MODE1) return this.writeMode1(value);
    if (reg === REG_PRE_SCALE) {
      if (this.regs[REG_MODE1] & MODE1_SLEEP) this.regs[reg] = Math.max(PRE_SCALE_MIN, value);
      return;
    }
    if (reg >= REG_ALL_LED_ON_L && reg < REG_PRE_SCALE) {
      for (let ch = 0; ch < CHANNELS; ch++) this.regs[ledRegister(ch) + (reg - REG_ALL_LED_ON_L)] = value;
      this.clearRestart();
      return;
    }
    if (reg >= REG_LED0_ON_L && reg <= LED_LAST) this.clearRestart();
    if (reg !== 0xff) this.regs[reg] = value; // 0xFF is the reserved TestMode register: ignore writes
  }

  /** Output duty cycle 0..1 at the pin: 0 while sleeping or halted, inverted when MODE2.INVRT is set. */
  dutyCycle(channel: number): number {
    if (this.regs[REG_MODE1] & MODE1_SLEEP || this.halted) return 0;
    const r = ledRegister(checked(channel));
    const duty = dutyFromRegisters(this.regs[r], this.regs[r + 1], this.regs[r + 2], this.regs[r + 3]);
    return this.regs[REG_MODE2] & MODE2_INVRT ? 1 - duty : duty;
  }

  /** High time of the channel's pulse per period, µs (what a servo sees). */
  pulseWidthUs(channel: number): number {
    return (this.dutyCycle(channel) * 1e6) / this.frequencyHz();
  }

  /** PWM update rate from PRE_SCALE, Hz (§7.3.5). */
  frequencyHz(): number {
    return frequencyFor(this.options.oscillatorHz ?? INTERNAL_OSCILLATOR_HZ, this.regs[REG_PRE_SCALE]);
  }

  private writeMode1(value: number): void {
    const before = this.regs[REG_MODE1];
    const sleeping = (value & MODE1_SLEEP) !== 0;
    let next = (value & ~MODE1_RESTART) | (before & MODE1_RESTART);
    if (sleeping && !(before & MODE1_SLEEP) && this.anyChannelRunning()) {
      next |= MODE1_RESTART; // §7.3.1.1: sleeping with PWM running sets RESTART and holds the registers
      this.halted = true;
    }
    if (!sleeping && before & MODE1_SLEEP) this.awakeSince = this.clock.monotonic();
    // Writing 1 to RESTART restarts PWM, but only once the oscillator has run for 500 µs.
    const stable = this.clock.monotonic() - this.awakeSince >= OSCILLATOR_STARTUP_MS;
    if (value & MODE1_RESTART && !sleeping && !(before & MODE1_SLEEP) && stable) {
      next &= ~MODE1_RESTART;
      this.halted = false;
    }
    this.regs[REG_MODE1] = next;
  }

  private clearRestart(): void {
    this.regs[REG_MODE1] &= ~MODE1_RESTART;
    this.halted = false;
  }

  private anyChannelRunning(): boolean {
    for (let ch = 0; ch < CHANNELS; ch++) if (!(this.regs[ledRegister(ch) + 3] & LED_FULL)) return true;
    return false;
  }
}

function checked(channel: number): number {
  if (!(Number.isInteger(channel) && channel >= 0 && channel < CHANNELS)) throw new RangeError(`PCA9685 channel ${channel} outside 0..${CHANNELS - 1}`);
  return channel;
}
