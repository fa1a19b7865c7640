import type { I2cDeviceModel } from '../i2c-sim.js';

/**
 * Model of an NXP PCF8574 (8 lines) or PCF8575 (16 lines): no registers; a plain write sets the
 * port (0 drives low, 1 releases high through the weak current source), a plain read returns the
 * pins (a released pin reads high unless pulled low from outside). Power-on: every pin HIGH (data
 * sheet §8.1). Register transfers are not part of the chip's protocol: they read 0xFF and are ignored.
 */
export class Pcf857xSim implements I2cDeviceModel {
  private port: number;
  private readonly external: Array<boolean | undefined>;

  constructor(readonly lines: 8 | 16) {
    this.port = lines === 8 ? 0xff : 0xffff;
    this.external = new Array(lines).fill(undefined);
  }

  /** Power-on reset: every pin released high. */
  powerOn(): void {
    this.port = this.lines === 8 ? 0xff : 0xffff;
  }

  /** Pulls a pin low (`false`) from outside, or releases it (`undefined`). */
  setExternal(line: number, level: boolean | undefined): void {
    this.external[line] = level;
  }

  /** Electrical level of `line`: low when the chip drives it low or something outside pulls it low. */
  pinLevel(line: number): boolean {
    if ((this.port & (1 << line)) === 0) return false;
    return this.external[line] !== false;
  }

  readRegister(): number {
    return 0xff;
  }

  writeRegister(): void {
    // register transfers mean nothing to this chip
  }

  receive(length: number): Uint8Array {
    let v = 0;
    for (let i = 0; i < this.lines; i++) if (this.pinLevel(i)) v |= 1 << i;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = (v >> (8 * (i % (this.lines / 8)))) & 0xff;
    return out;
  }

  send(data: Uint8Array): void {
    if (data.length === 0) return;
    // Each byte (8574) or byte pair (8575) sets the port; the last complete one wins (§8.2).
    if (this.lines === 8) this.port = data[data.length - 1];
    else if (data.length >= 2) this.port = data[data.length - 2] | (data[data.length - 1] << 8);
  }
}
