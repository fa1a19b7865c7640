import { describe, expect, it } from 'vitest';
import { Bme280, type Bme280Options } from '../../src/drivers/bme280.js';
import { DriverArgumentError, SensorDataError } from '../../src/drivers/errors.js';
import { DeviceIdentityError, I2cError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Bme280Sim, type Bme280TrueValues } from '../../simulators/devices/bme280-sim.js';
import { SimI2cBus, type I2cDeviceModel } from '../../simulators/i2c-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const ADDRESS = 0x76;
const WEATHER: Bme280Options = { oversampling: { temperature: 1, pressure: 1, humidity: 1 }, filter: 0 };

/** Records every register write (with the virtual time) and every status read on the way to `inner`. */
class Recorder implements I2cDeviceModel {
  writes: Array<[reg: number, value: number, atMs: number]> = [];
  statusReadsAt: number[] = [];
  constructor(
    private readonly inner: I2cDeviceModel,
    private readonly clock: VirtualClock,
    private readonly override: { status?: number; ignoreCtrlMeas?: boolean } = {},
  ) {}
  readRegister(reg: number): number {
    if (reg === 0xf3) {
      this.statusReadsAt.push(this.clock.monotonic());
      if (this.override.status !== undefined) return this.override.status;
    }
    return this.inner.readRegister(reg);
  }
  writeRegister(reg: number, value: number): void {
    this.writes.push([reg, value, this.clock.monotonic()]);
    if (reg === 0xf4 && this.override.ignoreCtrlMeas) return;
    this.inner.writeRegister(reg, value);
  }
}

function setup(options: Bme280Options = WEATHER, truth: Bme280TrueValues = { temperatureC: 26.4, humidityPct: 41.5, pressurePa: 98_765 }) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const bus = new SimI2cBus(1, clock, new SeededRandom(7));
  const sim = new Bme280Sim(clock, () => truth);
  const recorder = new Recorder(sim, clock);
  bus.attach(ADDRESS, recorder);
  const driver = new Bme280(bus, ADDRESS, clock, options);
  return { clock, bus, sim, recorder, driver, truth };
}

/** Runs `op` to completion on virtual time (at most `ms`), returning its value or throwing its error. */
async function drive<T>(clock: VirtualClock, op: Promise<T>, ms = 200): Promise<T> {
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

describe('Bme280 driver on the simulated bus', () => {
  it('identifies itself as BME280 i2c-1 0x76', () => {
    expect(setup().driver.description).toBe('BME280 i2c-1 0x76');
  });

  it('names bus, address, expected and actual chip id when the chip is not a BME280', async () => {
    const { clock, sim, driver } = setup();
    sim.setChipId(0x58);
    const err = await drive(clock, driver.init()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceIdentityError);
    expect((err as DeviceIdentityError).code).toBe('DEVICE_IDENTITY');
    expect((err as Error).message).toBe('BME280 i2c-1 0x76: chip id 0x58 (a BMP280: no humidity sensor), expected 0x60');
  });

  it('soft-resets, then writes ctrl_hum, config and ctrl_meas in sleep mode at init', async () => {
    const { clock, recorder, driver } = setup({ oversampling: { temperature: 2, pressure: 16, humidity: 4 }, filter: 8 });
    await drive(clock, driver.init());
    expect(recorder.writes.map(([reg, value]) => [reg, value])).toEqual([
      [0xe0, 0xb6],
      [0xf2, 0b011], // osrs_h x4
      [0xf5, 0b011 << 2], // filter 8, t_sb 0.5 ms
      [0xf4, (0b010 << 5) | (0b101 << 2) | 0b00], // osrs_t x2, osrs_p x16, sleep
    ]);
    // The calibration is read only after the NVM copy: status polled no earlier than t_startup.
    expect(recorder.statusReadsAt[0]).toBeGreaterThanOrEqual(2);
  });

  it('triggers one forced measurement, waits the datasheet maximum time, then recovers the true values', async () => {
    const { clock, recorder, driver, truth } = setup();
    await drive(clock, driver.init());
    recorder.writes = [];
    recorder.statusReadsAt = [];
    const samples = await drive(clock, driver.read());
    expect(recorder.writes.map(([reg, value]) => [reg, value])).toEqual([
      [0xf2, 0b001],
      [0xf4, (0b001 << 5) | (0b001 << 2) | 0b01],
    ]);
    const triggeredAt = recorder.writes[1][2];
    expect(recorder.statusReadsAt[0] - triggeredAt).toBeCloseTo(9.3, 9); // Appendix B at 1x/1x/1x
    expect(samples.map((s) => s.quantity)).toEqual(['temperature', 'humidity', 'pressure']);
    const [t, h, p] = samples.map((s) => s.value);
    expect(Math.abs(t - truth.temperatureC)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(h - truth.humidityPct)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(p - truth.pressurePa)).toBeLessThanOrEqual(1);
  });

  it('waits longer for higher oversampling', async () => {
    const { clock, recorder, driver } = setup({ oversampling: { temperature: 16, pressure: 16, humidity: 16 }, filter: 0 });
    await drive(clock, driver.init());
    recorder.statusReadsAt = [];
    await drive(clock, driver.read());
    // 1.25 + 2.3*16 + 2.3*16 + 0.575 + 2.3*16 + 0.575 = 112.8 ms
    expect(recorder.statusReadsAt[0] - recorder.writes.at(-1)![2]).toBeCloseTo(112.8, 9);
  });

  it('leaves out humidity and pressure when their oversampling is 0', async () => {
    const { clock, driver } = setup({ oversampling: { temperature: 1, pressure: 0, humidity: 0 }, filter: 0 });
    expect(driver.quantities).toEqual(['temperature']);
    await drive(clock, driver.init());
    const samples = await drive(clock, driver.read());
    expect(samples.map((s) => s.quantity)).toEqual(['temperature']);
  });

  it('refuses a configuration that skips temperature', async () => {
    const { clock, driver, bus } = setup({ oversampling: { temperature: 0, pressure: 1, humidity: 1 }, filter: 0 });
    await expect(drive(clock, driver.init())).rejects.toBeInstanceOf(DriverArgumentError);
    expect(bus.counters().transfers).toBe(0);
  });

  it('throws not-ready when status keeps reporting a measurement in progress', async () => {
    const clock = new VirtualClock(0);
    const bus = new SimI2cBus(1, clock, new SeededRandom(1));
    const sim = new Bme280Sim(clock, () => ({ temperatureC: 20, humidityPct: 50, pressurePa: 100_000 }));
    const driver = new Bme280(bus, ADDRESS, clock, { ...WEATHER, maxStatusPolls: 4 });
    bus.attach(ADDRESS, sim);
    await drive(clock, driver.init());
    const stuck = new Recorder(sim, clock, { status: 0x08 });
    bus.attach(ADDRESS, stuck);
    const err = await drive(clock, driver.read()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SensorDataError);
    expect((err as SensorDataError).kind).toBe('not-ready');
    expect(stuck.statusReadsAt).toHaveLength(4);
  });

  it('throws garbage when the data registers still hold the skipped/reset values', async () => {
    const clock = new VirtualClock(0);
    const bus = new SimI2cBus(1, clock, new SeededRandom(1));
    const sim = new Bme280Sim(clock, () => ({ temperatureC: 20, humidityPct: 50, pressurePa: 100_000 }));
    bus.attach(ADDRESS, new Recorder(sim, clock, { ignoreCtrlMeas: true })); // no conversion ever starts
    const driver = new Bme280(bus, ADDRESS, clock, WEATHER);
    await drive(clock, driver.init());
    const err = await drive(clock, driver.read()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SensorDataError);
    expect((err as SensorDataError).kind).toBe('garbage');
  });

  it('rejects a temperature outside the sensor range instead of reporting it', async () => {
    const { clock, driver } = setup(WEATHER, { temperatureC: 95, humidityPct: 10, pressurePa: 100_000 });
    await drive(clock, driver.init());
    const err = await drive(clock, driver.read()).catch((e: unknown) => e);
    expect((err as SensorDataError).kind).toBe('out-of-range');
  });

  it('refuses to read before init', async () => {
    const { clock, driver } = setup();
    const err = await drive(clock, driver.read()).catch((e: unknown) => e);
    expect((err as SensorDataError).kind).toBe('not-ready');
  });

  it('passes bus errors through as I2cError', async () => {
    const { clock, bus, driver } = setup();
    await drive(clock, driver.init());
    bus.setFault(ADDRESS, { kind: 'disconnect' });
    const err = await drive(clock, driver.read()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(I2cError);
    expect((err as I2cError).errno).toBe('EREMOTEIO');
  });

  it('reads again after reset() re-runs the soft reset and reconfiguration', async () => {
    const { clock, recorder, driver, truth } = setup();
    await drive(clock, driver.init());
    recorder.writes = [];
    await drive(clock, driver.reset());
    expect(recorder.writes.map(([reg]) => reg)).toEqual([0xe0, 0xf2, 0xf5, 0xf4]);
    const [t] = await drive(clock, driver.read());
    expect(Math.abs(t.value - truth.temperatureC)).toBeLessThanOrEqual(0.01);
  });
});
