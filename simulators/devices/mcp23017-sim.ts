import type { I2cDeviceModel } from '../i2c-sim.js';
import { IOCON_BANK, REG_GPIOA, REG_GPPUA, REG_IOCON, REG_IODIRA, REG_OLATA } from '../../src/drivers/mcp23017-registers.js';

/**
 * BANK = 1 register layout (DS20001952C Table 3-4): port A at 0x00.., port B at 0x10..; the
 * offsets within a port are IODIR 0, IPOL 1, GPINTEN 2, DEFVAL 3, INTCON 4, IOCON 5, GPPU 6,
 * INTF 7, INTCAP 8, GPIO 9, OLAT 10.
 */
const BANK1_OFFSETS = { iodir: 0, gppu: 6, gpio: 9, olat: 10, iocon: 5 } as const;

/**
 * Register-level model of a Microchip MCP23017 (DS20001952C): both register layouts (IOCON.BANK),
 * power-on state (IODIR 0xFF, OLAT 0x00, IOCON 0x00), GPIO reads returning pin levels (outputs
 * their latch, inputs the external level or the pull-up when nothing drives them), and a GPIO write
 * going to OLAT. The simulated world reads {@link pinLevel} to drive the relay loads.
 */
export class Mcp23017Sim implements I2cDeviceModel {
  private readonly regs = new Uint8Array(0x16);
  private bank1 = false;
  /** Level forced on a pin from outside (a float switch), per line; undefined = not driven. */
  private readonly external: Array<boolean | undefined> = new Array(16).fill(undefined);

  constructor() {
    this.powerOn();
  }

  /** Power-on reset (power cut, RESET pin): every line an input, latches low, BANK = 0. */
  powerOn(): void {
    this.regs.fill(0);
    this.regs[REG_IODIRA] = 0xff;
    this.regs[REG_IODIRA + 1] = 0xff;
    this.bank1 = false;
  }

  /** Drives a line from outside (an input wired to a switch); `undefined` releases it. */
  setExternal(line: number, level: boolean | undefined): void {
    this.external[line] = level;
  }

  /**
   * The electrical level of `line` 0..15: an output's latch; an input's external level, else
   * high with the pull-up on, else `undefined` (floating).
   */
  pinLevel(line: number): boolean | undefined {
    const port = line < 8 ? 0 : 1;
    const bit = 1 << (line & 7);
    if ((this.regs[REG_IODIRA + port] & bit) === 0) return (this.regs[REG_OLATA + port] & bit) !== 0;
    const ext = this.external[line];
    if (ext !== undefined) return ext;
    return (this.regs[REG_GPPUA + port] & bit) !== 0 ? true : undefined;
  }

  /** Whether `line` is configured as an output. */
  isOutput(line: number): boolean {
    return (this.regs[REG_IODIRA + (line < 8 ? 0 : 1)] & (1 << (line & 7))) === 0;
  }

  readRegister(reg: number): number {
    const r = this.toBank0(reg);
    if (r === undefined) return 0;
    if (r === REG_GPIOA || r === REG_GPIOA + 1) return this.portLevels(r - REG_GPIOA);
    return this.regs[r];
  }

  writeRegister(reg: number, value: number): void {
    const r = this.toBank0(reg);
    if (r === undefined) return;
    if (r === REG_IOCON || r === REG_IOCON + 1) {
      this.regs[REG_IOCON] = this.regs[REG_IOCON + 1] = value & ~0x01;
      this.bank1 = (value & IOCON_BANK) !== 0;
      return;
    }
    // A write to GPIO goes to the output latch (§3.5.10).
    if (r === REG_GPIOA || r === REG_GPIOA + 1) {
      this.regs[REG_OLATA + (r - REG_GPIOA)] = value;
      return;
    }
    this.regs[r] = value;
  }

  private portLevels(port: number): number {
    let v = 0;
    for (let b = 0; b < 8; b++) if (this.pinLevel(port * 8 + b)) v |= 1 << b;
    return v;
  }

  /** Maps an address in the current layout to the BANK = 0 index used for storage. */
  private toBank0(reg: number): number | undefined {
    if (!this.bank1) return reg < 0x16 ? reg : undefined;
    const port = reg >= 0x10 ? 1 : 0;
    const off = reg & 0x0f;
    if (off > 10) return undefined;
    if (off === BANK1_OFFSETS.iocon) return REG_IOCON;
    return off * 2 + port;
  }
}
