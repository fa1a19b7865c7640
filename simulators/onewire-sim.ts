import { crc8Maxim, scratchpadMillidegrees } from '../src/drivers/ds18b20.js';
import { OneWireError } from '../src/hal/errors.js';
import type { OneWire } from '../src/hal/onewire.js';

/**
 * Fault modes of a simulated DS18B20:
 * - `absent`: gone from the bus (unplugged probe): not listed, reads reject with ENOENT;
 * - `crc`: a bit flipped on the wire; line 1 carries the CRC the kernel computed and `NO`;
 * - `power-on`: the chip browned out and answers its power-up scratchpad, `t=85000`;
 * - `stuck`: the same text as the last read, forever (a wedged bus master cache);
 * - `null`: healthy.
 */
export type OneWireFault = 'absent' | 'crc' | 'power-on' | 'stuck' | null;

interface SimDevice {
  source: () => number;
  fault: OneWireFault;
  lastText?: string;
  reads: number;
}

/** Power-up scratchpad (DS18B20 datasheet, Figure 7): 0550h = +85 °C, TH 4Bh, TL 46h, config 7Fh, FFh, 0Ch, 10h. */
const POWER_ON = [0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10];
/** Device range, °C (datasheet): the chip cannot report beyond it, so the simulator saturates there. */
const MIN_C = -55;
const MAX_C = 125;

/** `00`..`ff` by byte value. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Bytes (0..255) as the kernel prints them: two hex digits each, space separated. */
function hex(bytes: readonly number[]): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += i === 0 ? HEX[bytes[i]] : ` ${HEX[bytes[i]]}`;
  return s;
}

/**
 * Renders the w1-therm `w1_slave` text for the 8 scratchpad data bytes, as the kernel does: line 1
 * the 9 bytes, `crc=<CRC8 the kernel computed>` and YES/NO; line 2 the bytes and `t=` in m°C
 * (`w1_DS18B20_convert_temp`). `wireCrc` is the CRC byte that arrived (differs after corruption).
 */
function render(data: readonly number[], wireCrc = crc8Maxim(data)): string {
  const computed = crc8Maxim(data);
  const scratchpad = [...data, wireCrc];
  const bytes = hex(scratchpad);
  const verdict = computed === wireCrc ? 'YES' : 'NO';
  return `${bytes} : crc=${HEX[computed]} ${verdict}\n${bytes} t=${scratchpadMillidegrees(scratchpad)}\n`;
}

/**
 * The 8 data bytes a 12-bit DS18B20 holds after converting `celsius`: temperature in 1/16 °C
 * (datasheet Table 1), TH 4Bh / TL 46h (factory alarm defaults), config 7Fh (12 bits), FFh, then
 * byte 6 = 10h - (LSB & 0Fh) and 10h, as read from genuine parts (the datasheet calls 5-7 reserved).
 */
export function ds18b20Scratchpad(celsius: number): number[] {
  const raw = Math.round(Math.min(MAX_C, Math.max(MIN_C, celsius)) * 16) & 0xffff;
  const lsb = raw & 0xff;
  return [lsb, raw >> 8, 0x4b, 0x46, 0x7f, 0xff, 0x10 - (lsb & 0x0f), 0x10];
}

/**
 * Simulated 1-Wire bus master with DS18B20 probes. Each device's temperature comes from a source
 * function (°C, e.g. the physics model plus noise) sampled on every read, and is rendered into
 * the same `w1_slave` text the Linux w1-therm driver produces, with a correct Maxim CRC8.
 */
export class SimOneWire implements OneWire {
  private readonly devices = new Map<string, SimDevice>();

  /** Adds (or replaces) the probe `deviceId` (e.g. `28-000005e2fdc3`) reading `source()` °C. */
  addDevice(deviceId: string, source: () => number): void {
    this.devices.set(deviceId, { source, fault: null, reads: 0 });
  }

  /** Removes the probe entirely. */
  removeDevice(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Sets or clears (`null`) a fault on a probe added earlier. */
  setFault(deviceId: string, fault: OneWireFault): void {
    const device = this.devices.get(deviceId);
    if (!device) throw new OneWireError('ENOENT', deviceId, 'no such simulated device');
    device.fault = fault;
  }

  /** Number of `readDevice` calls that returned text for `deviceId`. */
  readCount(deviceId: string): number {
    return this.devices.get(deviceId)?.reads ?? 0;
  }

  async list(): Promise<string[]> {
    return [...this.devices].filter(([, d]) => d.fault !== 'absent').map(([id]) => id);
  }

  async readDevice(deviceId: string): Promise<string> {
    const device = this.devices.get(deviceId);
    if (!device || device.fault === 'absent') throw new OneWireError('ENOENT', deviceId, 'no such device');
    const text = this.textFor(device);
    device.lastText = text;
    device.reads++;
    return text;
  }

  private textFor(device: SimDevice): string {
    switch (device.fault) {
      case 'stuck':
        return device.lastText ?? render(this.sample(device));
      case 'power-on':
        return render(POWER_ON);
      case 'crc': {
        const data = this.sample(device);
        const sent = crc8Maxim(data);
        data[0] ^= 0x04; // one bit flipped on the wire after the chip computed its CRC
        return render(data, sent);
      }
      default:
        return render(this.sample(device));
    }
  }

  private sample(device: SimDevice): number[] {
    const celsius = device.source();
    if (!Number.isFinite(celsius)) throw new RangeError(`simulated DS18B20 source returned ${celsius}`);
    return ds18b20Scratchpad(celsius);
  }
}
