import { DeviceIdentityError, OneWireError } from '../hal/errors.js';
import type { OneWire } from '../hal/onewire.js';
import { SensorDataError } from './errors.js';
import type { Quantity, Sample, SensorDriver } from './types.js';

/**
 * DS18B20 digital thermometer read through the Linux w1-therm driver's `w1_slave` file.
 *
 * References: Maxim (Analog Devices) DS18B20 datasheet, rev. 2019 ("Operation - Measuring
 * Temperature", Table 1, Figure 7 "Memory Map"), Maxim Application Note 27 (1-Wire CRC8), and
 * Linux `drivers/w1/slaves/w1_therm.c` (`w1_DS18B20_convert_temp`, the `w1_slave` format).
 */

/** Scratchpad temperature after power-up, m°C: 0550h = +85 °C (datasheet, Figure 7 "Power-up state"). */
export const DS18B20_POWER_ON_MILLIDEGREES = 85_000;
/** Measurement range, m°C: -55 °C..+125 °C (datasheet, "Benefits and Features"). */
export const DS18B20_MIN_MILLIDEGREES = -55_000;
export const DS18B20_MAX_MILLIDEGREES = 125_000;

/**
 * Dallas/Maxim 1-Wire CRC8, polynomial x^8 + x^5 + x^4 + 1 (0x31, processed LSB first as 0x8C),
 * initial value 0 (Maxim Application Note 27). The 9th scratchpad byte is this CRC over bytes 0..7.
 * @param bytes the data bytes; returns 0..255
 * @param length how many leading bytes to include (default all)
 */
export function crc8Maxim(bytes: ArrayLike<number>, length = bytes.length): number {
  let crc = 0;
  for (let i = 0; i < length; i++) {
    let b = bytes[i] & 0xff;
    for (let bit = 0; bit < 8; bit++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/**
 * The temperature in the scratchpad, m°C, computed exactly as the kernel does for `t=`
 * (`w1_DS18B20_convert_temp`): bytes 0-1 are a little-endian int16 in 1/16 °C (datasheet Table 1),
 * converted with C integer division (truncation toward zero): 0191h -> 25062. When config bit 7 is
 * set (GX20MH01 clone in 13/14-bit mode) two more LSBs come from the config register, LSB 1/64 °C.
 * @param scratchpad the 9 scratchpad bytes (at least bytes 0..4)
 */
export function scratchpadMillidegrees(scratchpad: ArrayLike<number>): number {
  const bv = (scratchpad[0] & 0xff) | ((scratchpad[1] & 0xff) << 8);
  const config = scratchpad[4] & 0xff;
  if (config & 0x80) {
    const ext = ((bv << 2) | (config & 3)) & 0xffff;
    return Math.trunc((((ext << 16) >> 16) * 1000) / 64);
  }
  return Math.trunc((((bv << 16) >> 16) * 1000) / 16);
}

/** Line 1: the 9 scratchpad bytes (group 1), `crc=` (group 2), `YES`/`NO` (group 3). */
const LINE1 = /^((?:[0-9a-f]{2} ){9}): crc=([0-9a-f]{2}) (YES|NO)$/i;
/** Line 2: optionally the 9 bytes again (group 1), then `t=` in m°C (group 2). */
const LINE2 = /^((?:[0-9a-f]{2} ){9})?t=(-?\d+)$/i;

/** Value of the hex digit at `s[i]` (already validated by the line's pattern). */
function hexDigit(s: string, i: number): number {
  const c = s.charCodeAt(i) | 0x20; // lower-case a-f; digits are unchanged by the bit
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

/** The 9 bytes of a `xx xx … xx ` group as matched by {@link LINE1} (3 characters per byte). */
function hexBytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < 9; i++) out.push(hexDigit(s, 3 * i) * 16 + hexDigit(s, 3 * i + 1));
  return out;
}

/** The first `n` non-empty lines of `text`, trimmed. */
function nonEmptyLines(text: string, n: number): string[] {
  const out: string[] = [];
  for (let start = 0; start <= text.length && out.length < n; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line.length > 0) out.push(line);
    start = end + 1;
  }
  return out;
}

/**
 * Parses the two-line `w1_slave` text of a DS18B20 and returns the temperature in °C.
 * ```
 * 72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
 * 72 01 4b 46 7f ff 0e 10 57 t=23125        -> 23.125
 * ```
 * Checks, in order: line 1 has the w1-therm shape (`garbage`); it ends in `YES` (`crc`); line 2
 * carries `t=` (`garbage`); the scratchpad's own CRC8 matches byte 8 and `crc=` (`crc`); the scratchpad is not all zeros, which a data line held
 * low produces with a valid CRC (`garbage`); `t=` (m°C) equals the scratchpad's value
 * ({@link scratchpadMillidegrees}) (`garbage`); `t` is not exactly 85 °C, the power-up value
 * (`power-on-value`); `t` is inside -55..+125 °C (`out-of-range`).
 * @throws SensorDataError with the kind above; never returns a sentinel
 */
export function parseW1Slave(text: string): number {
  const lines = nonEmptyLines(text, 2);
  const first = LINE1.exec(lines[0] ?? '');
  if (!first) throw new SensorDataError('garbage', `w1_slave is not in the w1-therm format: ${JSON.stringify(text.slice(0, 100))}`);
  const [, bytes1, crcText, verdict] = first;
  if (verdict.toUpperCase() !== 'YES') throw new SensorDataError('crc', `CRC check failed (${lines[0]})`);
  const second = LINE2.exec(lines[1] ?? '');
  if (!second) throw new SensorDataError('garbage', `w1_slave has no t= line: ${JSON.stringify(text.slice(0, 100))}`);
  const [, bytes2, tText] = second;

  const scratchpad = hexBytes(bytes1);
  const crc = crc8Maxim(scratchpad, 8);
  if (crc !== scratchpad[8] || crc !== parseInt(crcText, 16)) {
    throw new SensorDataError('crc', `scratchpad CRC8 is ${crc.toString(16).padStart(2, '0')}, text says ${crcText} (${lines[0]})`);
  }
  if (scratchpad.every((b) => b === 0)) throw new SensorDataError('garbage', 'all-zero scratchpad (data line held low; its CRC8 is 0, so the kernel says YES)');
  if (bytes2 !== undefined && bytes2 !== bytes1 && bytes2.toLowerCase() !== bytes1.toLowerCase()) {
    throw new SensorDataError('garbage', `the two w1_slave lines carry different scratchpads: ${JSON.stringify(text)}`);
  }

  const t = Number(tText);
  const expected = scratchpadMillidegrees(scratchpad);
  if (t !== expected) throw new SensorDataError('garbage', `t=${t} disagrees with the scratchpad temperature ${expected} m°C`);
  if (t === DS18B20_POWER_ON_MILLIDEGREES) throw new SensorDataError('power-on-value', 't=85000 is the power-up value of the scratchpad, not a measurement');
  if (t < DS18B20_MIN_MILLIDEGREES || t > DS18B20_MAX_MILLIDEGREES) {
    throw new SensorDataError('out-of-range', `t=${t} m°C is outside the DS18B20 range -55..+125 °C`);
  }
  return t / 1000;
}

/** The `temperature` file: m°C as a decimal integer and a newline (empty while a conversion runs). */
const TEMPERATURE_FILE = /^\s*(-?\d+)\s*$/;

/**
 * Parses the w1-therm `temperature` file of a DS18B20 (Linux ABI `sysfs-driver-w1_therm`:
 * m°C as text, the kernel having checked the scratchpad CRC; empty while a bulk conversion runs)
 * and returns °C. Checks: a decimal integer (`not-ready` when empty, else `garbage`); not exactly
 * 85 °C, the power-up value (`power-on-value`); inside -55..+125 °C (`out-of-range`).
 * @throws SensorDataError with the kind above
 */
export function parseTemperatureFile(text: string): number {
  if (text.trim() === '') throw new SensorDataError('not-ready', 'temperature file empty (conversion still running)');
  const m = TEMPERATURE_FILE.exec(text);
  if (!m) throw new SensorDataError('garbage', `temperature file is not m°C: ${JSON.stringify(text.slice(0, 40))}`);
  const t = Number(m[1]);
  if (t === DS18B20_POWER_ON_MILLIDEGREES) throw new SensorDataError('power-on-value', 'temperature 85000 is the power-up value of the scratchpad, not a measurement');
  if (t < DS18B20_MIN_MILLIDEGREES || t > DS18B20_MAX_MILLIDEGREES) {
    throw new SensorDataError('out-of-range', `temperature ${t} m°C is outside the DS18B20 range -55..+125 °C`);
  }
  return t / 1000;
}

/** 1-Wire family code of the DS18B20 (datasheet, "64-bit Lasered ROM Code": 28h). */
const FAMILY = '28';

/**
 * A DS18B20 probe on the Linux 1-Wire bus. `read()` returns one `temperature` sample in °C.
 * No retrying and no health here (`devices/` wraps it). The chip has no soft reset, so no `reset()`.
 */
export class Ds18b20 implements SensorDriver {
  readonly description: string;
  readonly quantities: readonly Quantity[] = ['temperature'];

  /**
   * @param oneWire the bus master (real sysfs tree or `SimOneWire`)
   * @param deviceId Linux id, e.g. `28-000005e2fdc3`
   */
  constructor(
    private readonly oneWire: OneWire,
    readonly deviceId: string,
  ) {
    this.description = `DS18B20 ${deviceId}`;
  }

  /**
   * Startup self-test: the id has family code 28 (DeviceIdentityError), the device is listed on
   * the bus (OneWireError ENOENT listing what is present) and its `w1_slave` file is readable.
   * The contents are not judged here: a transient CRC error at boot is for `read()` and its retries.
   */
  async init(): Promise<void> {
    if (!this.deviceId.startsWith(`${FAMILY}-`)) {
      throw new DeviceIdentityError(`${this.description}: family code is not ${FAMILY} (DS18B20)`);
    }
    const present = await this.oneWire.list();
    if (!present.includes(this.deviceId)) {
      throw new OneWireError('ENOENT', this.deviceId, `not on the 1-Wire bus (present: ${present.join(', ') || 'none'})`);
    }
    await this.oneWire.readDevice(this.deviceId);
  }

  /** Reads `w1_slave` (the kernel runs a conversion, ~750 ms at 12 bits) and parses it. */
  async read(): Promise<Sample[]> {
    return this.parsed(parseW1Slave, await this.oneWire.readDevice(this.deviceId));
  }

  /**
   * After the master's bulk conversion (`OneWire.bulkConvert()`): the `temperature` file, the value
   * converted then, without a conversion of its own. Falls back to {@link read} where the backend
   * has no `readTemperature`.
   */
  async readConverted(): Promise<Sample[]> {
    if (!this.oneWire.readTemperature) return this.read();
    return this.parsed(parseTemperatureFile, await this.oneWire.readTemperature(this.deviceId));
  }

  /** One `temperature` sample from `text`; a data error names this probe. */
  private parsed(parse: (text: string) => number, text: string): Sample[] {
    try {
      return [{ quantity: 'temperature', value: parse(text) }];
    } catch (e) {
      if (e instanceof SensorDataError) throw new SensorDataError(e.kind, `${this.description}: ${e.message}`, { cause: e });
      throw e;
    }
  }
}
