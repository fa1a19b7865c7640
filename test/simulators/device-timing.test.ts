import { describe, expect, it } from 'vitest';
import { Bme280 } from '../../src/drivers/bme280.js';
import { maxMeasurementMs, typicalMeasurementMs } from '../../src/drivers/bme280-registers.js';
import { parseW1Slave } from '../../src/drivers/ds18b20.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Bme280Sim } from '../../simulators/devices/bme280-sim.js';
import { SimGpio } from '../../simulators/gpio-sim.js';
import { i2cTransferMs, SimI2cBus } from '../../simulators/i2c-sim.js';
import { ONEWIRE_BULK_CONVERT_MS, ONEWIRE_CONVERT_MS, ONEWIRE_READ_MS, SimOneWire } from '../../simulators/onewire-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/**
 * Faithful device timing in virtual time, against the datasheet figures: DS18B20 conversion by
 * resolution (datasheet Table 2), the kernel's one-transaction-at-a-time 1-Wire master and its bulk
 * conversion, BME280 measurement time by oversampling (BST-BME280-DS002 §9.1), I2C transfer time
 * at 100 kHz with one transfer at a time per bus, libgpiod tool start-up.
 */

const A = '28-0000000000aa';
const B = '28-0000000000bb';

/** Runs `op` on a virtual clock and returns its result and the virtual ms it took (to the timer that completed it). */
async function timed<T>(clock: VirtualClock, op: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = clock.monotonic();
  let value: T | undefined;
  let end: number | null = null;
  void op().then((v) => {
    value = v;
    end = clock.monotonic();
  });
  for (let i = 0; i < 10_000 && end === null; i++) await clock.advance(10);
  if (end === null) throw new Error('operation did not finish');
  return { value: value as T, ms: (end as number) - start };
}

function oneWire(clock: VirtualClock): SimOneWire {
  const w1 = new SimOneWire({ clock, timing: 'faithful' });
  w1.addDevice(A, () => 24.5);
  w1.addDevice(B, () => 30);
  return w1;
}

describe('DS18B20 on a faithful 1-Wire master', () => {
  it.each([
    [9, 93.75],
    [10, 187.5],
    [11, 375],
    [12, 750],
  ])('a w1_slave read at %i bits takes the datasheet conversion time (%s ms) plus the bus transactions', async (bits, convMs) => {
    const clock = new VirtualClock(0);
    const w1 = oneWire(clock);
    w1.setResolution(A, bits);
    const { value, ms } = await timed(clock, () => w1.readDevice(A));
    expect(parseW1Slave(value)).toBe(24.5);
    const expected = convMs + ONEWIRE_CONVERT_MS + ONEWIRE_READ_MS;
    expect(ms).toBeGreaterThanOrEqual(expected);
    expect(ms).toBeLessThan(expected + 1);
    // About 18 ms of wire time around the conversion (AN126 standard speed).
    expect(ONEWIRE_CONVERT_MS + ONEWIRE_READ_MS).toBeCloseTo(18.2, 1);
  });

  it('serialises concurrent reads on one master: two 12-bit probes read together take two conversions', async () => {
    const clock = new VirtualClock(0);
    const w1 = oneWire(clock);
    const { value, ms } = await timed(clock, () => Promise.all([w1.readDevice(A), w1.readDevice(B)]));
    expect(value.map(parseW1Slave)).toEqual([24.5, 30]);
    expect(ms).toBeGreaterThanOrEqual(2 * 750);
    expect(ms).toBeLessThan(2 * 770);
  });

  it('bulk conversion: one conversion for every probe, then each temperature file costs only the read', async () => {
    const clock = new VirtualClock(0);
    const w1 = oneWire(clock);
    const bulk = await timed(clock, () => w1.bulkConvert());
    expect(bulk.ms).toBeGreaterThanOrEqual(750 + ONEWIRE_BULK_CONVERT_MS);
    expect(bulk.ms).toBeLessThan(753);
    const reads = await timed(clock, () => Promise.all([w1.readTemperature(A), w1.readTemperature(B)]));
    expect(reads.value).toEqual(['24500\n', '30000\n']);
    expect(reads.ms).toBeLessThan(2 * ONEWIRE_READ_MS + 1);
    // Read once: the next read of the file converts anew (750 ms).
    const again = await timed(clock, () => w1.readTemperature(A));
    expect(again.ms).toBeGreaterThanOrEqual(750);
  });

  it('a bulk value is the temperature at the trigger, not at the read (therm_bulk_read semantics)', async () => {
    const clock = new VirtualClock(0);
    let t = 20;
    const w1 = new SimOneWire({ clock, timing: 'faithful' });
    w1.addDevice(A, () => t);
    await timed(clock, () => w1.bulkConvert());
    t = 35;
    expect((await timed(clock, () => w1.readTemperature(A))).value).toBe('20000\n');
  });

  it('instant timing answers without virtual time passing', async () => {
    const clock = new VirtualClock(0);
    const w1 = new SimOneWire({ clock });
    w1.addDevice(A, () => 21);
    const { ms } = await timed(clock, () => w1.readDevice(A));
    expect(ms).toBe(0);
  });
});

describe('BME280 forced measurement on a faithful I2C bus', () => {
  it.each([
    // Datasheet §9.1 / Appendix B examples: T x1, P x4, H off -> 11.5 ms typical; all x16 -> 112.8 ms max.
    [{ temperature: 1, pressure: 4, humidity: 0 }, 11.5],
    [{ temperature: 1, pressure: 1, humidity: 1 }, 8],
    [{ temperature: 16, pressure: 16, humidity: 16 }, 98],
  ] as const)('keeps status.measuring set for the typical time at oversampling %o (%s ms), and the driver waits it out', async (oversampling, typical) => {
    expect(typicalMeasurementMs(oversampling.temperature, oversampling.pressure, oversampling.humidity)).toBeCloseTo(typical, 6);
    const clock = new VirtualClock(0);
    const bus = new SimI2cBus(1, clock, new SeededRandom(1), 100_000);
    const chip = new Bme280Sim(clock, () => ({ temperatureC: 25, humidityPct: 50, pressurePa: 100_000 }));
    bus.attach(0x76, chip);
    // The measuring bit as seen on the bus: set right after a forced-mode trigger, still set just
    // before the typical time has passed, clear just after it.
    const code = (n: number): number => [0, 1, 2, 4, 8, 16].indexOf(n);
    const seen = await timed(clock, async () => {
      await bus.writeByte(0x76, 0xf2, code(oversampling.humidity));
      await bus.writeByte(0x76, 0xf4, (code(oversampling.temperature) << 5) | (code(oversampling.pressure) << 2) | 1);
      const triggeredAt = clock.monotonic();
      const early = (await bus.readByte(0x76, 0xf3)) & 0x08;
      await clock.sleep(triggeredAt + typical - 0.5 - clock.monotonic());
      const late = (await bus.readByte(0x76, 0xf3)) & 0x08;
      await clock.sleep(triggeredAt + typical + 0.1 - clock.monotonic());
      const after = (await bus.readByte(0x76, 0xf3)) & 0x08;
      return [early, late, after];
    });
    expect(seen.value).toEqual([0x08, 0x08, 0]);
    const driver = new Bme280(bus, 0x76, clock, { oversampling, filter: 0 });
    await timed(clock, () => driver.init());
    const before = chip.conversions;
    const { value, ms } = await timed(clock, () => driver.read());
    expect(chip.conversions).toBe(before + 1);
    expect(value.find((s) => s.quantity === 'temperature')?.value).toBeCloseTo(25, 1);
    // The driver sleeps the datasheet maximum, then polls; plus a few I2C transfers at 100 kHz.
    const max = maxMeasurementMs(oversampling.temperature, oversampling.pressure, oversampling.humidity);
    expect(ms).toBeGreaterThanOrEqual(max);
    expect(ms).toBeLessThan(max + 4);
  });

  it('all x16: 112.8 ms at most (datasheet example)', () => {
    expect(maxMeasurementMs(16, 16, 16)).toBeCloseTo(112.8, 1);
  });
});

describe('I2C transfer time and serialisation', () => {
  it('takes ~0.1 ms per byte at 100 kHz: 9 clocks per byte plus address, register and start/stop', () => {
    expect(i2cTransferMs('read', 8, 100_000)).toBeCloseTo(1.02, 2);
    expect(i2cTransferMs('write', 1, 100_000)).toBeCloseTo(0.29, 2);
    expect(i2cTransferMs('read', 8, 400_000)).toBeCloseTo(0.255, 3);
  });

  it('queues concurrent transfers on one bus; another bus runs in parallel', async () => {
    const clock = new VirtualClock(0);
    const random = new SeededRandom(1);
    const chip = (): Bme280Sim => new Bme280Sim(clock, () => ({ temperatureC: 25, humidityPct: 50, pressurePa: 100_000 }));
    const bus1 = new SimI2cBus(1, clock, random, 100_000);
    const bus3 = new SimI2cBus(3, clock, random, 100_000);
    bus1.attach(0x76, chip());
    bus1.attach(0x77, chip());
    bus3.attach(0x76, chip());
    const one = i2cTransferMs('read', 26, 100_000);
    const sameBus = await timed(clock, () => Promise.all([bus1.readBlock(0x76, 0x88, 26), bus1.readBlock(0x77, 0x88, 26)]));
    expect(sameBus.ms).toBeGreaterThanOrEqual(2 * one);
    const twoBuses = await timed(clock, () => Promise.all([bus1.readBlock(0x76, 0x88, 26), bus3.readBlock(0x76, 0x88, 26)]));
    expect(twoBuses.ms).toBeLessThan(2 * one);
  });
});

describe('libgpiod tool start-up', () => {
  it('spends the configured start-up per output write and input read', async () => {
    const clock = new VirtualClock(0);
    const gpio = new SimGpio(clock, 5);
    const out = (await timed(clock, () => gpio.openOutput(17, false))).value;
    const write = await timed(clock, () => out.write(true));
    expect(write.ms).toBeGreaterThanOrEqual(5);
    expect(write.ms).toBeLessThan(5.5);
    expect(gpio.level(17)).toBe(true);
  });
});
