import { describe, expect, it } from 'vitest';
import { Bme280, compensate, parseCalibration } from '../../src/drivers/bme280.js';
import { DeviceIdentityError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import {
  BME280_NEGATIVE_HUMIDITY_CALIBRATION,
  BME280_TYPICAL_CALIBRATION,
  Bme280Sim,
  invertCompensation,
  type Bme280TrueValues,
} from '../../simulators/devices/bme280-sim.js';
import { SimI2cBus } from '../../simulators/i2c-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const ADDRESS = 0x77;
const IMAGES = { typical: BME280_TYPICAL_CALIBRATION, 'negative humidity': BME280_NEGATIVE_HUMIDITY_CALIBRATION };

function setup(image: Uint8Array = BME280_TYPICAL_CALIBRATION) {
  const clock = new VirtualClock(0);
  const bus = new SimI2cBus(1, clock, new SeededRandom(3));
  let truth: Bme280TrueValues = { temperatureC: 25, humidityPct: 50, pressurePa: 100_000 };
  const sim = new Bme280Sim(clock, () => truth, { calibration: image });
  bus.attach(ADDRESS, sim);
  const driver = new Bme280(bus, ADDRESS, clock, { oversampling: { temperature: 1, pressure: 1, humidity: 1 }, filter: 0 });
  const set = (v: Bme280TrueValues) => (truth = v);
  return { clock, bus, sim, driver, set };
}

async function drive<T>(clock: VirtualClock, op: Promise<T>, ms = 100): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  op.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  await clock.advance(ms);
  if (!outcome) throw new Error(`operation still pending after ${ms} virtual ms`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

async function measure(clock: VirtualClock, driver: Bme280): Promise<Bme280TrueValues> {
  const samples = await drive(clock, driver.read());
  const by = Object.fromEntries(samples.map((s) => [s.quantity, s.value]));
  return { temperatureC: by.temperature, humidityPct: by.humidity, pressurePa: by.pressure };
}

describe('Bme280Sim calibration images', () => {
  it('holds the typical module coefficients', () => {
    const cal = parseCalibration(BME280_TYPICAL_CALIBRATION.subarray(0, 26), BME280_TYPICAL_CALIBRATION.subarray(26));
    expect(cal).toEqual({
      dig_T1: 28009, dig_T2: 25654, dig_T3: 50,
      dig_P1: 39145, dig_P2: -10750, dig_P3: 3024, dig_P4: 5667, dig_P5: -120, dig_P6: -7, dig_P7: 15500, dig_P8: -14600, dig_P9: 6000,
      dig_H1: 75, dig_H2: 376, dig_H3: 0, dig_H4: 286, dig_H5: 50, dig_H6: 30,
    });
  });

  it('has a variant whose signed humidity bytes decode negative', () => {
    const image = BME280_NEGATIVE_HUMIDITY_CALIBRATION;
    expect(image[31] & 0x80).toBe(0x80); // 0xE6
    expect(image[32] & 0x80).toBe(0x80); // 0xE7
    const cal = parseCalibration(image.subarray(0, 26), image.subarray(26));
    expect([cal.dig_H4, cal.dig_H5, cal.dig_H6]).toEqual([286, -26, -7]);
  });
});

describe('Bme280Sim round trip through the real driver', () => {
  const temperatures = [0, 12.5, 25, 37.5, 50];
  const humidities = [5, 35, 65, 95];
  const pressures = [90_000, 97_500, 105_000];

  it.each(Object.entries(IMAGES))('recovers every point of the range with the %s calibration', async (_name, image) => {
    const { clock, driver, set } = setup(image);
    await drive(clock, driver.init());
    for (const temperatureC of temperatures) {
      for (const humidityPct of humidities) {
        for (const pressurePa of pressures) {
          set({ temperatureC, humidityPct, pressurePa });
          const m = await measure(clock, driver);
          expect(Math.abs(m.temperatureC - temperatureC)).toBeLessThanOrEqual(0.01);
          expect(Math.abs(m.humidityPct - humidityPct)).toBeLessThanOrEqual(0.05);
          expect(Math.abs(m.pressurePa - pressurePa)).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('inverts the compensation to within one ADC step', () => {
    const cal = parseCalibration(BME280_TYPICAL_CALIBRATION.subarray(0, 26), BME280_TYPICAL_CALIBRATION.subarray(26));
    for (let t = -10; t <= 60; t += 0.37) {
      const truth = { temperatureC: t, humidityPct: 10 + (t + 10), pressurePa: 95_000 + t * 100 };
      const back = compensate(cal, invertCompensation(cal, truth));
      expect(Math.abs(back.temperatureC - truth.temperatureC)).toBeLessThan(0.001);
      expect(Math.abs(back.pressurePa - truth.pressurePa)).toBeLessThan(0.25);
      expect(Math.abs(back.humidityPct - truth.humidityPct)).toBeLessThan(0.01);
    }
  });
});

describe('Bme280Sim behaviour', () => {
  it('reports measuring for the typical conversion time after a forced write, then sleeps', async () => {
    const { clock, sim } = setup();
    await clock.advance(5); // past the power-on NVM copy
    sim.writeRegister(0xf2, 0x01);
    sim.writeRegister(0xf4, 0x25); // 1x/1x forced
    expect(sim.readRegister(0xf3) & 0x08).toBe(0x08);
    await clock.advance(7); // typical 1x/1x/1x: 8 ms
    expect(sim.readRegister(0xf3) & 0x08).toBe(0x08);
    expect([sim.readRegister(0xfa), sim.readRegister(0xfd)]).toEqual([0x80, 0x80]); // old (reset) data while converting
    await clock.advance(1);
    expect(sim.readRegister(0xf3) & 0x08).toBe(0);
    expect(sim.mode()).toBe(0);
    expect(sim.conversions).toBe(1);
  });

  it('reads skipped values for channels with oversampling 0', async () => {
    const { clock, sim } = setup();
    sim.writeRegister(0xf2, 0x00); // humidity skipped
    sim.writeRegister(0xf4, (1 << 5) | (0 << 2) | 1); // pressure skipped
    await clock.advance(20);
    const data = Array.from({ length: 8 }, (_, i) => sim.readRegister(0xf7 + i));
    expect(data.slice(0, 3)).toEqual([0x80, 0x00, 0x00]);
    expect(data.slice(6)).toEqual([0x80, 0x00]);
    expect(data.slice(3, 6)).not.toEqual([0x80, 0x00, 0x00]);
  });

  it('latches ctrl_hum only with the next ctrl_meas write', async () => {
    const { clock, sim } = setup();
    sim.writeRegister(0xf4, 0x25); // humidity still skipped: ctrl_hum was 0
    sim.writeRegister(0xf2, 0x01); // too late for this conversion
    await clock.advance(20);
    expect([sim.readRegister(0xfd), sim.readRegister(0xfe)]).toEqual([0x80, 0x00]);
  });

  it('keeps returning the last raw data while frozen, and follows the source again when unfrozen', async () => {
    const { clock, driver, sim, set } = setup();
    await drive(clock, driver.init());
    set({ temperatureC: 20, humidityPct: 40, pressurePa: 99_000 });
    const before = await measure(clock, driver);
    sim.freeze();
    set({ temperatureC: 30, humidityPct: 70, pressurePa: 101_000 });
    expect(await measure(clock, driver)).toEqual(before);
    sim.unfreeze();
    expect((await measure(clock, driver)).temperatureC).toBeCloseTo(30, 2);
  });

  it('answers a wrong chip id when told to, and the right one again after', async () => {
    const { clock, driver, sim } = setup();
    sim.setChipId(0x58);
    await expect(drive(clock, driver.init())).rejects.toBeInstanceOf(DeviceIdentityError);
    sim.setChipId(0x60);
    await drive(clock, driver.init());
  });

  it('soft reset restores the reset values and copies NVM for 1 ms', async () => {
    const { clock, sim } = setup();
    await clock.advance(10);
    sim.writeRegister(0xf5, 0x0c);
    sim.writeRegister(0xe0, 0xb6);
    expect(sim.readRegister(0xf5)).toBe(0);
    expect(sim.readRegister(0xf3)).toBe(0x01);
    await clock.advance(1);
    expect(sim.readRegister(0xf3)).toBe(0);
    sim.writeRegister(0xe0, 0x12); // any other value is ignored
    expect(sim.readRegister(0xf3)).toBe(0);
  });

  it('repeats conversions in normal mode so the data follow the source', async () => {
    const { clock, sim, set } = setup();
    sim.writeRegister(0xf2, 0x01);
    sim.writeRegister(0xf5, 0b110 << 5); // t_sb 10 ms
    sim.writeRegister(0xf4, 0x27); // normal mode
    await clock.advance(20);
    const first = sim.readRegister(0xfa);
    set({ temperatureC: 45, humidityPct: 50, pressurePa: 100_000 });
    await clock.advance(40);
    expect(sim.mode()).toBe(3);
    expect(sim.readRegister(0xfa)).not.toBe(first);
  });
});
