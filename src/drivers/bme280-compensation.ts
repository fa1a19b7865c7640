import { DriverArgumentError, SensorDataError } from './errors.js';
import { CALIB_00_LENGTH, CALIB_26_LENGTH, DATA_LENGTH } from './bme280-registers.js';

/**
 * The BME280's factory trimming parameters (Bosch BST-BME280-DS002 §4.2.2, Table 16), with the
 * datasheet's names and signedness: dig_T1, dig_P1, dig_H1, dig_H3 unsigned; all others signed.
 */
export interface Bme280Calibration {
  dig_T1: number; // uint16 0x88/0x89
  dig_T2: number; // int16  0x8A/0x8B
  dig_T3: number; // int16  0x8C/0x8D
  dig_P1: number; // uint16 0x8E/0x8F
  dig_P2: number; // int16 ... dig_P9 int16 0x9E/0x9F
  dig_P3: number;
  dig_P4: number;
  dig_P5: number;
  dig_P6: number;
  dig_P7: number;
  dig_P8: number;
  dig_P9: number;
  dig_H1: number; // uint8  0xA1
  dig_H2: number; // int16  0xE1/0xE2
  dig_H3: number; // uint8  0xE3
  dig_H4: number; // int12  0xE4[7:0] / 0xE5[3:0]
  dig_H5: number; // int12  0xE5[7:4] / 0xE6[7:0]
  dig_H6: number; // int8   0xE7
}

/** Uncompensated ADC results from the data block: 20-bit pressure and temperature, 16-bit humidity (§5.4.7..§5.4.9). */
export interface Bme280RawData {
  adcP: number;
  adcT: number;
  adcH: number;
}

/** A compensated measurement: °C, Pa, %RH (0..100). */
export interface Bme280Measurement {
  temperatureC: number;
  pressurePa: number;
  humidityPct: number;
}

const u16 = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8);
const s16 = (b: Uint8Array, i: number): number => (u16(b, i) << 16) >> 16;
const s8 = (v: number): number => (v << 24) >> 24;

/**
 * Decodes the two calibration blocks (§4.2.2, Table 16), sign-correct:
 * - `block88`: 26 bytes read from 0x88..0xA1 (little-endian words; dig_H1 is the last byte, 0xA1);
 * - `blockE1`: 7 bytes read from 0xE1..0xE7.
 * dig_H4 = (int8)0xE4 << 4 | 0xE5[3:0] and dig_H5 = (int8)0xE6 << 4 | 0xE5[7:4] are signed
 * 12-bit values, dig_H6 is int8: libraries that read them unsigned are wrong whenever the top bit
 * is set (a known pitfall of unsigned-parsing libraries). Throws `DriverArgumentError` on a wrong length.
 */
export function parseCalibration(block88: Uint8Array, blockE1: Uint8Array): Bme280Calibration {
  if (block88.length !== CALIB_00_LENGTH || blockE1.length !== CALIB_26_LENGTH) {
    throw new DriverArgumentError('calibration', `BME280 calibration needs ${CALIB_00_LENGTH} + ${CALIB_26_LENGTH} bytes, got ${block88.length} + ${blockE1.length}`);
  }
  const e = blockE1;
  return {
    dig_T1: u16(block88, 0),
    dig_T2: s16(block88, 2),
    dig_T3: s16(block88, 4),
    dig_P1: u16(block88, 6),
    dig_P2: s16(block88, 8),
    dig_P3: s16(block88, 10),
    dig_P4: s16(block88, 12),
    dig_P5: s16(block88, 14),
    dig_P6: s16(block88, 16),
    dig_P7: s16(block88, 18),
    dig_P8: s16(block88, 20),
    dig_P9: s16(block88, 22),
    dig_H1: block88[25],
    dig_H2: s16(e, 0),
    dig_H3: e[2],
    dig_H4: (s8(e[3]) * 16) | (e[4] & 0x0f),
    dig_H5: (s8(e[5]) * 16) | (e[4] >> 4),
    dig_H6: s8(e[6]),
  };
}

/**
 * Splits the 8-byte burst from 0xF7..0xFE (§5.4.7..§5.4.9): press_msb/lsb/xlsb[7:4] ->
 * 20-bit adcP, temp_msb/lsb/xlsb[7:4] -> 20-bit adcT, hum_msb/lsb -> 16-bit adcH.
 * Throws `DriverArgumentError` on a wrong length.
 */
export function parseRawData(burst: Uint8Array): Bme280RawData {
  if (burst.length !== DATA_LENGTH) throw new DriverArgumentError('burst', `BME280 data burst needs ${DATA_LENGTH} bytes, got ${burst.length}`);
  return {
    adcP: (burst[0] << 12) | (burst[1] << 4) | (burst[2] >> 4),
    adcT: (burst[3] << 12) | (burst[4] << 4) | (burst[5] >> 4),
    adcH: (burst[6] << 8) | burst[7],
  };
}

/**
 * Temperature in °C and the shared fine temperature `tFine`, by the datasheet's double-precision
 * formula (§8.1, identical to BMP280 DS001 §8.1). Double rather than the int32 formula of §4.2.3
 * because JavaScript numbers are doubles (no 64-bit integers without BigInt) and the double result
 * keeps the resolution the int32 formula rounds to 0.01 °C. `tFine` is truncated to an integer, as
 * the datasheet's `(BME280_S32_t)(var1 + var2)`, so pressure and humidity match the reference.
 */
export function compensateTemperature(cal: Bme280Calibration, adcT: number): { temperatureC: number; tFine: number } {
  const var1 = (adcT / 16384 - cal.dig_T1 / 1024) * cal.dig_T2;
  const d = adcT / 131072 - cal.dig_T1 / 8192;
  const var2 = d * d * cal.dig_T3;
  return { temperatureC: (var1 + var2) / 5120, tFine: Math.trunc(var1 + var2) };
}

/**
 * Pressure in Pa by the datasheet's double-precision formula (§8.1). The datasheet returns 0 when
 * `var1` is 0 (dig_P1 = 0, a corrupt calibration); we throw `SensorDataError('garbage')` instead of
 * returning a sentinel. The 64-bit integer formula of §4.2.3 (Q24.8) agrees to a fraction of a
 * pascal: 100653.27 vs 100653.25 Pa on the BMP280 datasheet example.
 */
export function compensatePressure(cal: Bme280Calibration, adcP: number, tFine: number): number {
  let var1 = tFine / 2 - 64000;
  let var2 = (var1 * var1 * cal.dig_P6) / 32768;
  var2 = var2 + var1 * cal.dig_P5 * 2;
  var2 = var2 / 4 + cal.dig_P4 * 65536;
  var1 = ((cal.dig_P3 * var1 * var1) / 524288 + cal.dig_P2 * var1) / 524288;
  var1 = (1 + var1 / 32768) * cal.dig_P1;
  if (var1 === 0) throw new SensorDataError('garbage', 'BME280 pressure compensation divides by zero: calibration dig_P1 is 0');
  let p = 1048576 - adcP;
  p = ((p - var2 / 4096) * 6250) / var1;
  var1 = (cal.dig_P9 * p * p) / 2147483648;
  var2 = (p * cal.dig_P8) / 32768;
  return p + (var1 + var2 + cal.dig_P7) / 16;
}

/**
 * Relative humidity in %RH, clamped to 0..100, by the datasheet's double-precision formula
 * (BME280 DS002 §8.1). Deliberately NOT Bosch BME280_SensorAPI's double `compensate_humidity`:
 * that one multiplies by an extra `(1 + dig_H3/2^26 · var1)` factor and disagrees with the
 * datasheet's int32 formula (§4.2.3, Q22.10) whenever dig_H3 != 0 (Adafruit_CircuitPython_BME280#8,
 * pimoroni/bme280-python#11). The datasheet double formula agrees with the int32 one within its
 * 1/1024 %RH rounding; test/drivers checks that.
 */
export function compensateHumidity(cal: Bme280Calibration, adcH: number, tFine: number): number {
  let h = tFine - 76800;
  h =
    (adcH - (cal.dig_H4 * 64 + (cal.dig_H5 / 16384) * h)) *
    ((cal.dig_H2 / 65536) * (1 + (cal.dig_H6 / 67108864) * h * (1 + (cal.dig_H3 / 67108864) * h)));
  h = h * (1 - (cal.dig_H1 * h) / 524288);
  return h > 100 ? 100 : h < 0 ? 0 : h;
}

/**
 * Compensates one raw measurement (§8.1 double formulas, see the per-quantity functions):
 * returns `{ temperatureC (°C), pressurePa (Pa), humidityPct (%RH, 0..100) }`. Skipped channels
 * (0x80000 / 0x8000) are not detected here; the driver does that before calling.
 */
export function compensate(calibration: Bme280Calibration, raw: Bme280RawData): Bme280Measurement {
  const { temperatureC, tFine } = compensateTemperature(calibration, raw.adcT);
  return {
    temperatureC,
    pressurePa: compensatePressure(calibration, raw.adcP, tFine),
    humidityPct: compensateHumidity(calibration, raw.adcH, tFine),
  };
}
