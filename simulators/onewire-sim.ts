import { crc8Maxim, scratchpadMillidegrees } from '../src/drivers/ds18b20.js';
import type { Clock } from '../src/hal/clock.js';
import { OneWireError } from '../src/hal/errors.js';
import type { OneWire } from '../src/hal/onewire.js';
import type { Random } from '../src/resilience/random.js';

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
  /** Share (0..1) of reads that fail: half a CRC mismatch, half an empty read. */
  errorRate: number;
  /** Resolution, bits (9..12): sets the conversion time. */
  resolutionBits: number;
  /** Scratchpad converted by the last bulk conversion and not yet read (`therm_bulk_read` semantics). */
  bulk?: number[];
  lastText?: string;
  reads: number;
}

/** Maximum conversion time by resolution, ms (DS18B20 datasheet, Table 2 "Thermometer Resolution Configuration": t_CONV). */
export const DS18B20_CONVERSION_MS: Readonly<Record<number, number>> = { 9: 93.75, 10: 187.5, 11: 375, 12: 750 };

/**
 * 1-Wire standard-speed timing (Maxim AN126 "1-Wire Communication Through Software", standard speed):
 * a reset with its presence pulse takes 960 µs (480 µs low + 480 µs presence window); a bit slot
 * 70 µs (60 µs slot + recovery, as the w1-gpio bit-banging master times it), so a byte 0.56 ms.
 */
export const ONEWIRE_RESET_MS = 0.96;
export const ONEWIRE_BYTE_MS = 0.56;

/**
 * Wire time of the transactions around a conversion, ms (the Linux w1_therm driver's sequence):
 * - convert: reset, Match ROM (1 + 8 bytes), Convert T (1 byte); bulk: reset, Skip ROM, Convert T (2 bytes);
 * - read: reset, Match ROM (9 bytes), Read Scratchpad (1 byte) and the 9 scratchpad bytes.
 */
export const ONEWIRE_CONVERT_MS = ONEWIRE_RESET_MS + 10 * ONEWIRE_BYTE_MS;
export const ONEWIRE_BULK_CONVERT_MS = ONEWIRE_RESET_MS + 2 * ONEWIRE_BYTE_MS;
export const ONEWIRE_READ_MS = ONEWIRE_RESET_MS + 19 * ONEWIRE_BYTE_MS;

/**
 * Timing of the simulated master: `faithful` spends, in the injected clock's time, what the bus and
 * the chips take (one master, one transaction at a time); `instant` answers at once.
 */
export interface OneWireSimOptions {
  clock?: Clock;
  random?: Random;
  timing?: 'faithful' | 'instant';
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
 * function (°C, e.g. the physics model plus noise) sampled at the end of its conversion, and is
 * rendered into the same `w1_slave` text the Linux w1-therm driver produces, with a correct Maxim CRC8.
 *
 * Timing (`timing: 'faithful'`, needs a clock): a `w1_slave` read converts first, as the kernel
 * does: {@link ONEWIRE_CONVERT_MS} + the conversion time of the device's resolution
 * ({@link DS18B20_CONVERSION_MS}, 750 ms at 12 bits) + {@link ONEWIRE_READ_MS}. {@link bulkConvert}
 * converts every device at once (one conversion time for all), after which {@link readTemperature}
 * costs only the read. The kernel holds the master's mutex for a whole transaction, so transactions
 * queue: each starts when the previous one ends (one timer per transaction, no per-byte work).
 */
export class SimOneWire implements OneWire {
  private readonly devices = new Map<string, SimDevice>();
  private readonly clock: Clock | undefined;
  private readonly random: Random | undefined;
  private readonly faithful: boolean;
  /** Monotonic ms the master is free again (end of the last queued transaction). */
  private freeAt = 0;

  constructor(options: OneWireSimOptions = {}) {
    this.clock = options.clock;
    this.random = options.random;
    this.faithful = options.timing === 'faithful';
    if (this.faithful && !this.clock) throw new RangeError('faithful 1-Wire timing needs a clock');
  }

  /** Adds (or replaces) the probe `deviceId` (e.g. `28-000005e2fdc3`) reading `source()` °C. */
  addDevice(deviceId: string, source: () => number): void {
    this.devices.set(deviceId, { source, fault: null, errorRate: 0, resolutionBits: 12, reads: 0 });
  }

  /** Sets a probe's resolution, 9..12 bits (what writing `resolution` does): sets its conversion time. @throws RangeError, OneWireError ENOENT */
  setResolution(deviceId: string, bits: number): void {
    if (!(bits in DS18B20_CONVERSION_MS)) throw new RangeError(`DS18B20 resolution ${bits} outside 9..12 bits`);
    this.device(deviceId).resolutionBits = bits;
  }

  /** Makes this share (0..1) of the probe's reads fail (CRC mismatch or empty read); 0 clears. @throws RangeError, OneWireError ENOENT */
  setErrorRate(deviceId: string, rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`error rate ${rate} outside 0..1`);
    if (rate > 0 && !this.random) throw new RangeError('a 1-Wire error rate needs a random source');
    this.device(deviceId).errorRate = rate;
  }

  private device(deviceId: string): SimDevice {
    const device = this.devices.get(deviceId);
    if (!device) throw new OneWireError('ENOENT', deviceId, 'no such simulated device');
    return device;
  }

  /**
   * Waits, on the clock, for a transaction of `durationMs` queued behind the ones in flight
   * (one master, one transaction at a time). Instant timing: resolves at once.
   */
  private async transaction(durationMs: number): Promise<void> {
    if (!this.faithful) return;
    const clock = this.clock as Clock;
    const now = clock.monotonic();
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + durationMs;
    await clock.sleep(this.freeAt - now);
  }

  /** Removes the probe entirely. */
  removeDevice(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Sets or clears (`null`) a fault on a probe added earlier. */
  setFault(deviceId: string, fault: OneWireFault): void {
    this.device(deviceId).fault = fault;
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
    if (this.faithful) await this.transaction(ONEWIRE_CONVERT_MS + DS18B20_CONVERSION_MS[device.resolutionBits] + ONEWIRE_READ_MS);
    if ((device.fault as OneWireFault) === 'absent') throw new OneWireError('ENOENT', deviceId, 'no such device');
    device.bulk = undefined; // a w1_slave read converts anew: any bulk value is superseded
    const text = this.intermittent(device) ?? this.textFor(device);
    device.lastText = text;
    device.reads++;
    return text;
  }

  /**
   * `therm_bulk_read` trigger: every present probe converts at once; resolves when the slowest
   * conversion is done. The values are kept per device until read with {@link readTemperature}.
   */
  async bulkConvert(): Promise<void> {
    let slowest = 0;
    for (const d of this.devices.values()) if (d.fault !== 'absent') slowest = Math.max(slowest, DS18B20_CONVERSION_MS[d.resolutionBits]);
    await this.transaction(ONEWIRE_BULK_CONVERT_MS + slowest);
    for (const d of this.devices.values()) {
      if (d.fault === 'absent') continue;
      d.bulk = d.fault === 'power-on' ? POWER_ON.slice() : d.fault === 'stuck' ? undefined : this.sample(d);
    }
  }

  /**
   * The `temperature` file: m°C and a newline. After {@link bulkConvert} the value converted then
   * (read once); otherwise a conversion of its own first, as for `w1_slave`.
   * Rejects with ENOENT (absent probe) or EIO (CRC mismatch: the kernel returns an error for this file).
   */
  async readTemperature(deviceId: string): Promise<string> {
    const device = this.devices.get(deviceId);
    if (!device || device.fault === 'absent') throw new OneWireError('ENOENT', deviceId, 'no such device');
    const pending = device.bulk;
    await this.transaction(pending ? ONEWIRE_READ_MS : ONEWIRE_CONVERT_MS + DS18B20_CONVERSION_MS[device.resolutionBits] + ONEWIRE_READ_MS);
    device.bulk = undefined;
    const text = this.intermittent(device) ?? this.textFor(device, pending);
    device.lastText = text;
    device.reads++;
    if (text === '') return '';
    if (/ NO\n/.test(text)) throw new OneWireError('EIO', deviceId, 'CRC mismatch reading the scratchpad');
    const m = /t=(-?\d+)/.exec(text);
    return `${m ? m[1] : ''}\n`;
  }

  /** For a probe with an error rate: a failed read's text (CRC mismatch or empty), or `null` for a good read. */
  private intermittent(device: SimDevice): string | null {
    if (device.errorRate <= 0 || !this.random || this.random.next() >= device.errorRate) return null;
    if (this.random.next() < 0.5) return '';
    return this.corrupted(this.sample(device));
  }

  private corrupted(data: number[]): string {
    const sent = crc8Maxim(data);
    data[0] ^= 0x04; // one bit flipped on the wire after the chip computed its CRC
    return render(data, sent);
  }

  /** The `w1_slave` text for the device's fault; `converted`: a scratchpad converted earlier (bulk). */
  private textFor(device: SimDevice, converted?: number[]): string {
    switch (device.fault) {
      case 'stuck':
        return device.lastText ?? render(this.sample(device));
      case 'power-on':
        return render(POWER_ON);
      case 'crc':
        return this.corrupted(converted ?? this.sample(device));
      default:
        return render(converted ?? this.sample(device));
    }
  }

  private sample(device: SimDevice): number[] {
    const celsius = device.source();
    if (!Number.isFinite(celsius)) throw new RangeError(`simulated DS18B20 source returned ${celsius}`);
    return ds18b20Scratchpad(celsius);
  }
}
