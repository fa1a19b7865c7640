import { describe, expect, it } from 'vitest';
import {
  compensate,
  compensateHumidity,
  compensateTemperature,
  parseCalibration,
  parseRawData,
  type Bme280Calibration,
} from '../../src/drivers/bme280.js';
import { DriverArgumentError, SensorDataError } from '../../src/drivers/errors.js';

/** Little-endian 16-bit words (two's complement for negatives) into a 26-byte 0x88..0xA1 image. */
function block88(words: number[], digH1 = 0): Uint8Array {
  const b = new Uint8Array(26);
  words.forEach((w, i) => {
    b[2 * i] = w & 0xff;
    b[2 * i + 1] = (w >> 8) & 0xff;
  });
  b[25] = digH1;
  return b;
}

// BMP280 datasheet (BST-BMP280-DS001) §3.12 worked example; the T/P formulas are the BME280's.
const EXAMPLE_WORDS = [27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000];

/** The datasheet's int32 humidity formula (BST-BME280-DS002 §4.2.3), returning %RH (Q22.10 / 1024). */
function humidityInt32(c: Bme280Calibration, adcH: number, tFine: number): number {
  let v = tFine - 76800;
  v =
    ((((adcH << 14) - (c.dig_H4 << 20) - c.dig_H5 * v + 16384) >> 15) *
      (((((((v * c.dig_H6) >> 10) * (((v * c.dig_H3) >> 11) + 32768)) >> 10) + 2097152) * c.dig_H2 + 8192) >> 14));
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * c.dig_H1) >> 4);
  v = v < 0 ? 0 : v;
  v = v > 419430400 ? 419430400 : v;
  return (v >>> 12) / 1024;
}

/** BME280_SensorAPI's double humidity (bme280.c), with its extra var5 factor: the formula we must NOT use. */
function humidityBoschApiDouble(c: Bme280Calibration, adcH: number, tFine: number): number {
  const var1 = tFine - 76800;
  const var2 = c.dig_H4 * 64 + (c.dig_H5 / 16384) * var1;
  const var3 = adcH - var2;
  const var4 = c.dig_H2 / 65536;
  const var5 = 1 + (c.dig_H3 / 67108864) * var1;
  let var6 = 1 + (c.dig_H6 / 67108864) * var1 * var5;
  var6 = var3 * var4 * (var5 * var6);
  const h = var6 * (1 - (c.dig_H1 * var6) / 524288);
  return Math.min(100, Math.max(0, h));
}

describe('BME280 calibration parsing', () => {
  it('decodes the BMP280 datasheet example image to its signed and unsigned coefficients', () => {
    const cal = parseCalibration(block88(EXAMPLE_WORDS, 75), new Uint8Array(7));
    expect([cal.dig_T1, cal.dig_T2, cal.dig_T3]).toEqual([27504, 26435, -1000]);
    expect([cal.dig_P1, cal.dig_P2, cal.dig_P3, cal.dig_P4, cal.dig_P5, cal.dig_P6, cal.dig_P7, cal.dig_P8, cal.dig_P9]).toEqual([
      36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
    ]);
    expect(cal.dig_H1).toBe(75);
  });

  it.each([
    // E1..E7 bytes -> dig_H2, H3, H4, H5, H6 (Table 16: H4 = (int8)E4<<4 | E5[3:0], H5 = (int8)E6<<4 | E5[7:4])
    { bytes: [0x01, 0x80, 0xff, 0x80, 0xf0, 0xff, 0x80], h: [-32767, 255, -2048, -1, -128] },
    { bytes: [0x9c, 0xff, 0x00, 0xfe, 0x3a, 0xf0, 0xf9], h: [-100, 0, -22, -253, -7] },
    { bytes: [0xff, 0xff, 0x80, 0xff, 0xff, 0xff, 0xff], h: [-1, 128, -1, -1, -1] },
    { bytes: [0x78, 0x01, 0x00, 0x11, 0x2e, 0x03, 0x1e], h: [376, 0, 286, 50, 30] },
  ])('decodes humidity bytes $bytes sign-correctly', ({ bytes, h }) => {
    const cal = parseCalibration(block88(EXAMPLE_WORDS, 0xff), Uint8Array.from(bytes));
    expect([cal.dig_H2, cal.dig_H3, cal.dig_H4, cal.dig_H5, cal.dig_H6]).toEqual(h);
    expect(cal.dig_H1).toBe(255);
  });

  it('rejects blocks of the wrong length', () => {
    expect(() => parseCalibration(new Uint8Array(24), new Uint8Array(7))).toThrow(DriverArgumentError);
    expect(() => parseCalibration(new Uint8Array(26), new Uint8Array(8))).toThrow(DriverArgumentError);
  });
});

describe('BME280 raw data parsing', () => {
  it.each([
    { burst: [0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00, 0x6c, 0x4a], raw: { adcP: 415148, adcT: 519888, adcH: 27722 } },
    { burst: [0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00], raw: { adcP: 0x80000, adcT: 0x80000, adcH: 0x8000 } },
    { burst: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], raw: { adcP: 0xfffff, adcT: 0xfffff, adcH: 0xffff } },
    { burst: [0x00, 0x00, 0x10, 0x00, 0x00, 0x0f, 0x00, 0x01], raw: { adcP: 1, adcT: 0, adcH: 1 } },
  ])('splits $burst into 20-bit P/T (xlsb bits 7:4) and 16-bit H', ({ burst, raw }) => {
    expect(parseRawData(Uint8Array.from(burst))).toEqual(raw);
  });

  it('rejects a burst that is not 8 bytes', () => {
    expect(() => parseRawData(new Uint8Array(6))).toThrow(DriverArgumentError);
  });
});

describe('BME280 compensation', () => {
  const example = parseCalibration(block88(EXAMPLE_WORDS), new Uint8Array(7));

  it('reproduces the datasheet example: t_fine 128422, 25.08 °C, 100653.27 Pa', () => {
    const { temperatureC, tFine } = compensateTemperature(example, 519888);
    expect(tFine).toBe(128422);
    expect((tFine * 5 + 128) >> 8).toBe(2508); // the int32 formula's centi-degrees from the same t_fine
    expect(temperatureC).toBeCloseTo(25.08, 2);
    const m = compensate(example, { adcP: 415148, adcT: 519888, adcH: 0 });
    expect(m.temperatureC).toBe(temperatureC);
    // The worked example carries t_fine unrounded (100653.267 Pa); §8.1's formula truncates it to an
    // integer first, which gives 100653.258 Pa (and the int64 formula 100653.25).
    expect(Math.abs(m.pressurePa - 100653.27)).toBeLessThan(0.02);
    expect(m.pressurePa).toBeCloseTo(100653.258, 3);
  });

  it('throws instead of returning 0 Pa when dig_P1 is zero', () => {
    const blank = parseCalibration(block88([27504, 26435, -1000]), new Uint8Array(7));
    expect(() => compensate(blank, { adcP: 415148, adcT: 519888, adcH: 0 })).toThrow(SensorDataError);
  });

  const humidityCalibrations = {
    typical: Uint8Array.of(0x78, 0x01, 0x00, 0x11, 0x2e, 0x03, 0x1e), // H2 376, H3 0, H4 286, H5 50, H6 30
    'negative H5/H6': Uint8Array.of(0x78, 0x01, 0x00, 0x11, 0x2e, 0xfe, 0xf9), // H5 -30, H6 -7
    'non-zero H3': Uint8Array.of(0x6a, 0x01, 0x32, 0x14, 0x2a, 0x02, 0x1e), // H2 362, H3 50, H4 330, H5 34, H6 30
  };

  describe.each(Object.entries(humidityCalibrations))('humidity with the %s calibration', (_name, e1) => {
    const cal = parseCalibration(block88(EXAMPLE_WORDS, 75), e1);
    const adcTs = [420000, 480000, 519888, 560000, 600000];
    const adcHs = [20000, 24000, 28000, 32000, 36000, 40000];

    it('agrees with the datasheet int32 formula within 0.01 %RH', () => {
      for (const adcT of adcTs) {
        const { tFine } = compensateTemperature(cal, adcT);
        for (const adcH of adcHs) {
          expect(Math.abs(compensateHumidity(cal, adcH, tFine) - humidityInt32(cal, adcH, tFine))).toBeLessThan(0.01);
        }
      }
    });
  });

  it('is not the BME280_SensorAPI double formula, which disagrees with the int32 one when dig_H3 != 0', () => {
    const cal = parseCalibration(block88(EXAMPLE_WORDS, 75), humidityCalibrations['non-zero H3']);
    const { tFine } = compensateTemperature(cal, 600000);
    const reference = humidityInt32(cal, 30000, tFine);
    expect(Math.abs(humidityBoschApiDouble(cal, 30000, tFine) - reference)).toBeGreaterThan(0.01);
    expect(Math.abs(compensateHumidity(cal, 30000, tFine) - reference)).toBeLessThan(0.01);
  });

  it('clamps humidity to 0..100 %RH', () => {
    const cal = parseCalibration(block88(EXAMPLE_WORDS, 75), humidityCalibrations.typical);
    const { tFine } = compensateTemperature(cal, 519888);
    expect(compensateHumidity(cal, 0, tFine)).toBe(0);
    expect(compensateHumidity(cal, 0xffff, tFine)).toBe(100);
  });
});
