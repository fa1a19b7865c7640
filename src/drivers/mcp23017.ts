import type { DigitalInput, DigitalOutput, GpioProvider } from '../hal/gpio.js';
import type { I2cBus } from '../hal/i2c.js';
import { DeviceIdentityError } from '../hal/errors.js';
import { DriverArgumentError, OutputError } from './errors.js';
import { SerialQueue } from './serial-queue.js';
import {
  MCP23017_LINES,
  REG_GPIOA,
  REG_GPPUA,
  REG_IOCON,
  REG_IOCON_BANK1,
  REG_IODIRA,
  REG_OLATA,
  portOf,
} from './mcp23017-registers.js';

/** MCP23017 addresses: `0100 A2 A1 A0` (DS20001952C §3.3.1, Figure 3-6): 0x20..0x27. */
export const MCP23017_ADDRESSES = [0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27] as const;

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/**
 * Microchip MCP23017 16-bit I2C I/O expander (data sheet DS20001952C) as a {@link GpioProvider}:
 * lines 0..15 (GPA0..7, GPB0..7) open as outputs or inputs exactly like Pi header lines, so the
 * relay driver (`drivers/relay.ts`, the one place active-low inversion happens) and its read-back
 * self-test work unchanged on an expander channel.
 *
 * - `init()` puts the chip in IOCON.BANK = 0 (writing 0 to 0x05 first: IOCON in BANK = 1, an
 *   unused interrupt enable in BANK = 0), reads IOCON back (no answer or a wrong value = no
 *   MCP23017 there, {@link DeviceIdentityError}) and loads the direction, latch and pull-up
 *   registers as the chip holds them, so a restart of the controller glitches no line.
 * - An output is opened by writing its level to OLAT first, then clearing its IODIR bit (§3.5.1):
 *   the pin never drives the other level, not even for one transfer.
 * - `read()` of an output reads GPIO (the pin's actual level, §3.5.10), which is what a read-back
 *   verification needs: a shorted or overloaded pin reads back differently.
 * - Closing a line keeps it driven at its last level (the relay driver drives OFF before it
 *   closes); a chip reset or power cycle turns every line into a high-impedance input (IODIR
 *   0xFF), so relay boards must read "off" when their input floats (pull resistors).
 *
 * The datasheet (rev. D onwards) makes GPA7 and GPB7 output-only: opening them as inputs is refused.
 * Transfers go through the bus, which serialises them; read-modify-write of the shadow registers is
 * serialised here. Methods reject with `I2cError` from the bus, `DriverArgumentError` for a bad line.
 */
export class Mcp23017 implements GpioProvider {
  readonly description: string;
  private readonly iodir = [0xff, 0xff];
  private readonly olat = [0, 0];
  private readonly gppu = [0, 0];
  private readonly claimed = new Set<number>();
  private readonly queue = new SerialQueue();

  constructor(
    private readonly bus: I2cBus,
    private readonly address: number,
  ) {
    this.description = `MCP23017 i2c-${bus.busNumber} ${hex(address)}`;
  }

  /** Configures the chip (BANK = 0, sequential addressing) and loads its registers. See the class doc. */
  async init(): Promise<void> {
    await this.serial(async () => {
      await this.bus.writeByte(this.address, REG_IOCON_BANK1, 0x00);
      await this.bus.writeByte(this.address, REG_IOCON, 0x00);
      const iocon = await this.bus.readByte(this.address, REG_IOCON);
      if (iocon !== 0x00) throw new DeviceIdentityError(`${this.description}: IOCON reads back ${hex(iocon)} after writing 0x00: not an MCP23017`);
      const dir = await this.bus.readBlock(this.address, REG_IODIRA, 2);
      const lat = await this.bus.readBlock(this.address, REG_OLATA, 2);
      const pu = await this.bus.readBlock(this.address, REG_GPPUA, 2);
      for (let p = 0; p < 2; p++) {
        this.iodir[p] = dir[p];
        this.olat[p] = lat[p];
        this.gppu[p] = pu[p];
      }
    });
  }

  /** Opens `line` (0..15) as an output driven to `initialLevel` (true = high). */
  async openOutput(line: number, initialLevel: boolean): Promise<DigitalOutput> {
    this.claim(line);
    const { port, bit } = portOf(line);
    try {
      await this.serial(async () => {
        await this.writeLatch(port, bit, initialLevel);
        this.iodir[port] &= ~bit;
        await this.bus.writeByte(this.address, REG_IODIRA + port, this.iodir[port]);
      });
    } catch (e) {
      this.claimed.delete(line);
      throw e;
    }
    return {
      line,
      write: (level) => this.serial(() => this.writeLatch(port, bit, level)),
      read: () => this.readPin(port, bit),
      close: async () => {
        this.claimed.delete(line);
      },
    };
  }

  /**
   * Opens `line` as an input. `pull: 'up'` enables the 100 kΩ pull-up (GPPU); the chip has no
   * pull-down (`'down'` throws `DriverArgumentError`). GPA7/GPB7 are output-only (rev. D).
   */
  async openInput(line: number, pull: 'up' | 'down' | 'none' = 'none'): Promise<DigitalInput> {
    if (line === 7 || line === 15) throw new DriverArgumentError('line', `${this.description}: GP${line === 7 ? 'A' : 'B'}7 is output-only (data sheet rev. D)`);
    if (pull === 'down') throw new DriverArgumentError('pull', `${this.description}: the MCP23017 has pull-ups only`);
    this.claim(line);
    const { port, bit } = portOf(line);
    try {
      await this.serial(async () => {
        this.gppu[port] = pull === 'up' ? this.gppu[port] | bit : this.gppu[port] & ~bit;
        await this.bus.writeByte(this.address, REG_GPPUA + port, this.gppu[port]);
        this.iodir[port] |= bit;
        await this.bus.writeByte(this.address, REG_IODIRA + port, this.iodir[port]);
      });
    } catch (e) {
      this.claimed.delete(line);
      throw e;
    }
    return {
      line,
      read: () => this.readPin(port, bit),
      close: async () => {
        this.claimed.delete(line);
      },
    };
  }

  /** Sets or clears `bit` in the port's latch shadow and writes the whole latch (OLAT). */
  private async writeLatch(port: 0 | 1, bit: number, level: boolean): Promise<void> {
    this.olat[port] = level ? this.olat[port] | bit : this.olat[port] & ~bit;
    await this.bus.writeByte(this.address, REG_OLATA + port, this.olat[port]);
  }

  private readPin(port: 0 | 1, bit: number): Promise<boolean> {
    return this.serial(async () => ((await this.bus.readByte(this.address, REG_GPIOA + port)) & bit) !== 0);
  }

  private claim(line: number): void {
    if (!(Number.isInteger(line) && line >= 0 && line < MCP23017_LINES)) throw new DriverArgumentError('line', `${this.description}: line ${line} outside 0..15`);
    if (this.claimed.has(line)) throw new OutputError('busy', `${this.description}: line ${line} is already open`);
    this.claimed.add(line);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }
}
