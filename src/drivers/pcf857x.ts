import type { DigitalInput, DigitalOutput, GpioProvider } from '../hal/gpio.js';
import type { I2cBus } from '../hal/i2c.js';
import { BackendUnavailableError } from '../hal/errors.js';
import { DriverArgumentError, OutputError } from './errors.js';
import { SerialQueue } from './serial-queue.js';

/** The two chips: PCF8574 (8 lines, one byte) and PCF8575 (16 lines, two bytes, P00..P07 first). */
export type Pcf857xModel = 'pcf8574' | 'pcf8575';

/**
 * Addresses: PCF8574 and PCF8575 `0100 A2 A1 A0` = 0x20..0x27; PCF8574A `0111 A2 A1 A0` = 0x38..0x3F
 * (NXP PCF8574/74A data sheet Rev. 5, §8.1 Table 4; PCF8575 data sheet §7.1).
 */
export const PCF857X_ADDRESSES: readonly number[] = [0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f];

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/**
 * NXP PCF8574 / PCF8575 quasi-bidirectional I2C expanders as a {@link GpioProvider}. The chips have
 * no registers (data sheet §8.1): one plain write sets every pin (0 = driven low, 1 = released high
 * through a ~100 µA current source), one plain read returns every pin's level. So the driver keeps
 * the port value as a shadow and writes it whole on every change; a read-back reads the pins.
 *
 * Safety note for wiring: at power-on every pin is HIGH (§8.1), before the controller runs. An
 * active-high relay board would switch its loads ON then; use active-low relay inputs (`activeLow:
 * true`: HIGH = off) on these chips, which config validation warns about for heaters.
 *
 * `init()` reads the port (no answer = no chip there) and takes the pins' levels as the shadow, so
 * a controller restart keeps outputs as they were. Lines opened as inputs are kept at 1 (released)
 * in every write. Needs a bus with plain transfers (`I2cBus.receive`/`send`), else
 * `BackendUnavailableError`. Rejects with `I2cError` from the bus, `DriverArgumentError` for a bad line.
 */
export class Pcf857x implements GpioProvider {
  readonly description: string;
  readonly lines: number;
  private port = 0xffff;
  private inputs = 0;
  private readonly claimed = new Set<number>();
  private readonly queue = new SerialQueue();

  constructor(
    private readonly bus: I2cBus,
    private readonly address: number,
    readonly model: Pcf857xModel,
  ) {
    this.lines = model === 'pcf8574' ? 8 : 16;
    this.description = `${model.toUpperCase()} i2c-${bus.busNumber} ${hex(address)}`;
  }

  private get bytes(): number {
    return this.lines / 8;
  }

  /** Reads the pins to check the chip answers and to take their levels as the starting port value. */
  async init(): Promise<void> {
    await this.serial(async () => {
      this.port = await this.readPort();
    });
  }

  async openOutput(line: number, initialLevel: boolean): Promise<DigitalOutput> {
    this.claim(line);
    const bit = 1 << line;
    try {
      await this.serial(() => this.writeBit(bit, initialLevel));
    } catch (e) {
      this.claimed.delete(line);
      throw e;
    }
    return {
      line,
      write: (level) => this.serial(() => this.writeBit(bit, level)),
      read: () => this.serial(async () => ((await this.readPort()) & bit) !== 0),
      close: async () => {
        this.claimed.delete(line);
      },
    };
  }

  /** Opens `line` as an input: released high (the chip's weak pull-up); `pull: 'down'` is refused. */
  async openInput(line: number, pull: 'up' | 'down' | 'none' = 'none'): Promise<DigitalInput> {
    if (pull === 'down') throw new DriverArgumentError('pull', `${this.description}: quasi-bidirectional pins have a pull-up only`);
    this.claim(line);
    const bit = 1 << line;
    this.inputs |= bit;
    try {
      await this.serial(() => this.writeBit(bit, true));
    } catch (e) {
      this.claimed.delete(line);
      this.inputs &= ~bit;
      throw e;
    }
    return {
      line,
      read: () => this.serial(async () => ((await this.readPort()) & bit) !== 0),
      close: async () => {
        this.claimed.delete(line);
        this.inputs &= ~bit;
      },
    };
  }

  private async writeBit(bit: number, level: boolean): Promise<void> {
    this.port = level ? this.port | bit : this.port & ~bit;
    const value = this.port | this.inputs;
    const data = this.bytes === 1 ? Uint8Array.of(value & 0xff) : Uint8Array.of(value & 0xff, (value >> 8) & 0xff);
    if (!this.bus.send) throw new BackendUnavailableError(`${this.description}: the I2C backend has no plain transfers`);
    await this.bus.send(this.address, data);
  }

  private async readPort(): Promise<number> {
    if (!this.bus.receive) throw new BackendUnavailableError(`${this.description}: the I2C backend has no plain transfers`);
    const b = await this.bus.receive(this.address, this.bytes);
    return this.bytes === 1 ? b[0] : b[0] | (b[1] << 8);
  }

  private claim(line: number): void {
    if (!(Number.isInteger(line) && line >= 0 && line < this.lines)) throw new DriverArgumentError('line', `${this.description}: line ${line} outside 0..${this.lines - 1}`);
    if (this.claimed.has(line)) throw new OutputError('busy', `${this.description}: line ${line} is already open`);
    this.claimed.add(line);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }
}
