import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { Bme280 } from '../../src/drivers/bme280.js';
import { parseW1Slave } from '../../src/drivers/ds18b20.js';
import { applyFault } from '../../simulators/fault-injector.js';
import { type FaultSpec, ScenarioEventSchema } from '../../simulators/scenario.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { referenceConfig } from '../scenarios/support.js';

/**
 * Every device-, bus- and physics-level fault kind at the device level: the reference enclosure
 * (BME280 `air` on i2c-1 0x76, DS18B20 `probe`, heater relay on GPIO 17 active-low, float switch on
 * GPIO 5, servo feeder on the PCA9685 at 0x40) with the real drivers reading the simulated chips,
 * in virtual time, sensor noise off unless a test needs it.
 */

const START = Date.parse('2026-06-01T10:00:00Z');
const PROBE = '28-000005e2fdc3';

function config(edit?: (raw: any) => void): Config {
  return referenceConfig((raw) => {
    raw.hardware.sim.sensorNoiseC = 0;
    edit?.(raw);
  });
}

function world(cfg = config()): { world: SimWorld; clock: VirtualClock; cfg: Config } {
  const clock = new VirtualClock(START);
  return { world: new SimWorld(cfg, clock, 1), clock, cfg };
}

function inject(w: SimWorld, cfg: Config, fault: FaultSpec, device?: string): () => void {
  return applyFault(w, cfg, ScenarioEventSchema.parse({ at: 0, ...(device ? { device } : {}), fault }));
}

/** Reads the BME280 through the real driver; settles the driver's waits on the virtual clock. */
async function readBme(w: SimWorld, clock: VirtualClock): Promise<{ temperature: number; humidity: number }> {
  const bus = await w.hardware().i2c.open(1);
  const driver = new Bme280(bus, 0x76, clock, { oversampling: { temperature: 1, pressure: 1, humidity: 1 }, filter: 0 });
  const run = (async () => {
    await driver.init();
    return driver.read();
  })();
  for (let i = 0; i < 20; i++) await clock.advance(10);
  const samples = await run;
  return { temperature: samples.find((s) => s.quantity === 'temperature')!.value, humidity: samples.find((s) => s.quantity === 'humidity')!.value };
}

async function readProbe(w: SimWorld): Promise<number> {
  return parseW1Slave(await w.oneWire.readDevice(PROBE));
}

describe('sensor reading faults', () => {
  it('sensor-offset: the probe reads the true value plus `by`; the BME280 humidity likewise', async () => {
    const { world: w, clock, cfg } = world();
    const truth = w.truth('gecko');
    inject(w, cfg, { kind: 'sensor-offset', quantity: 'temperature', by: 3 }, 'probe');
    inject(w, cfg, { kind: 'sensor-offset', quantity: 'humidity', by: -10 }, 'air');
    expect(await readProbe(w)).toBeCloseTo(truth.airC + 3, 1);
    const bme = await readBme(w, clock);
    expect(bme.humidity).toBeCloseTo(truth.humidityPct - 10, 0);
    expect(bme.temperature).toBeCloseTo(truth.airC, 1);
  });

  it('sensor-drift: the offset grows by perHour while the fault lasts, and is gone once cleared', async () => {
    const { world: w, clock, cfg } = world();
    const clear = inject(w, cfg, { kind: 'sensor-drift', quantity: 'temperature', perHour: 0.5 }, 'probe');
    await clock.advance(4 * 3_600_000);
    expect((await readProbe(w)) - w.truth('gecko').airC).toBeCloseTo(2, 1);
    clear();
    expect((await readProbe(w)) - w.truth('gecko').airC).toBeCloseTo(0, 1);
  });

  it('sensor-gain: reads 20 °C + factor x (true - 20 °C)', async () => {
    const { world: w, cfg } = world(config((raw) => (raw.enclosures[0].physics.initialC = 30)));
    inject(w, cfg, { kind: 'sensor-gain', quantity: 'temperature', factor: 1.2 }, 'probe');
    const t = w.truth('gecko').airC;
    expect(await readProbe(w)).toBeCloseTo(20 + 1.2 * (t - 20), 1);
  });

  it('sensor-noise: extra Gaussian noise of the given standard deviation', async () => {
    const { world: w, cfg } = world();
    inject(w, cfg, { kind: 'sensor-noise', quantity: 'temperature', sd: 2 }, 'probe');
    const t = w.truth('gecko').airC;
    const errs: number[] = [];
    for (let i = 0; i < 400; i++) errs.push((await readProbe(w)) - t);
    const mean = errs.reduce((a, b) => a + b, 0) / errs.length;
    const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / errs.length);
    expect(Math.abs(mean)).toBeLessThan(0.4);
    expect(sd).toBeGreaterThan(1.7);
    expect(sd).toBeLessThan(2.3);
  });

  it('probe-detached: the probe reads the room instead of its spot', async () => {
    const { world: w, clock, cfg } = world(config((raw) => (raw.enclosures[0].physics.initialC = 32)));
    inject(w, cfg, { kind: 'probe-detached', reads: 'room' }, 'probe');
    await clock.advance(60_000);
    const truth = w.truth('gecko');
    expect(truth.airC - truth.roomC).toBeGreaterThan(5);
    expect(await readProbe(w)).toBeCloseTo(truth.roomC, 1);
  });

  it('humidity-saturated: the BME280 reads 100 %RH whatever the air holds', async () => {
    const { world: w, clock, cfg } = world();
    expect(w.truth('gecko').humidityPct).toBeLessThan(80);
    inject(w, cfg, { kind: 'humidity-saturated' }, 'air');
    expect((await readBme(w, clock)).humidity).toBeGreaterThan(99.5);
  });

  it('refuses a humidity fault on a DS18B20 and an unknown sensor', () => {
    const { world: w, cfg } = world();
    expect(() => inject(w, cfg, { kind: 'sensor-offset', quantity: 'humidity', by: 1 }, 'probe')).toThrow(/does not measure humidity/);
    expect(() => inject(w, cfg, { kind: 'sensor-noise', quantity: 'temperature', sd: 1 }, 'nope')).toThrow(/no sensor/);
  });
});

describe('bus faults', () => {
  it('onewire-error-rate: about that share of reads fail (CRC NO or empty), the rest are good', async () => {
    const { world: w, cfg } = world();
    inject(w, cfg, { kind: 'onewire-error-rate', rate: 0.3 }, 'probe');
    let bad = 0;
    for (let i = 0; i < 500; i++) {
      const text = await w.oneWire.readDevice(PROBE);
      if (text === '' || text.includes(' NO\n')) bad++;
      else expect(parseW1Slave(text)).toBeCloseTo(w.truth('gecko').airC, 0);
    }
    expect(bad).toBeGreaterThan(110);
    expect(bad).toBeLessThan(190);
  });

  it('i2c-bus-stall: no transfer on the bus answers (BME280 and PCA9685 alike) until cleared; then the bus works again', async () => {
    const { world: w, clock, cfg } = world();
    const bus = await w.hardware().i2c.open(1);
    const clear = inject(w, cfg, { kind: 'i2c-bus-stall', bus: 1 });
    const outcomes: string[] = [];
    const track = (p: Promise<unknown>, name: string): void => {
      p.then(
        () => outcomes.push(`${name} ok`),
        (e: { errno?: string }) => outcomes.push(`${name} ${e.errno}`),
      );
    };
    track(bus.readByte(0x76, 0xd0), 'bme280');
    track(bus.writeByte(0x40, 0x00, 0x20), 'pca9685');
    track(bus.readByte(0x50, 0x00), 'absent'); // SDA held low: not even a NACK comes back
    await clock.advance(60_000);
    expect(outcomes).toEqual([]);
    clear();
    await clock.advance(1);
    expect(outcomes.sort()).toEqual(['absent EIO', 'bme280 EIO', 'pca9685 EIO']);
    expect(await bus.readByte(0x76, 0xd0)).toBe(0x60);
  });

  it('i2c-bus-stall by device: the bus of the named BME280', () => {
    const { world: w, cfg } = world();
    inject(w, cfg, { kind: 'i2c-bus-stall' }, 'air');
    expect(w.buses.get(1)?.isStalled).toBe(true);
  });
});

describe('output faults', () => {
  it('relay-stuck-off: the heater relay is driven on but the element gets no power; relay-stuck-on: powered while driven off', async () => {
    const { world: w, cfg } = world();
    const line = await w.gpio.openOutput(17, true); // active-low: HIGH = off
    const off = inject(w, cfg, { kind: 'relay-stuck-off' }, 'heater');
    await line.write(false); // relay closed
    w.sync();
    expect(w.enclosures.get('gecko')!.physics.heaterIsHeating('heater')).toBe(false);
    off();
    w.sync();
    expect(w.enclosures.get('gecko')!.physics.heaterIsHeating('heater')).toBe(true);
    await line.write(true);
    inject(w, cfg, { kind: 'relay-stuck-on' }, 'heater');
    w.sync();
    expect(w.enclosures.get('gecko')!.physics.heaterIsHeating('heater')).toBe(true);
  });

  it('relay-stuck-on on a PCA9685 light channel: the light heats the air at full power though the channel is off', async () => {
    const edit = (raw: any): void => {
      raw.enclosures[0].actuators = raw.enclosures[0].actuators.filter((a: any) => a.id !== 'heater');
      raw.enclosures[0].actuators.find((a: any) => a.id === 'lights').output = { type: 'pca9685', bus: 1, address: 64, channel: 3 };
      raw.enclosures[0].actuators.find((a: any) => a.id === 'lights').powerW = 60;
      raw.enclosures[0].actuators.find((a: any) => a.id === 'lights').heatFraction = 1;
      raw.enclosures[0].physics.initialC = 21;
    };
    const edited = (raw: any): void => {
      edit(raw);
      raw.enclosures[0].actuators = raw.enclosures[0].actuators.filter((a: any) => a.kind !== 'heater');
    };
    const stuck = world(config(edited));
    const healthy = world(config(edited));
    inject(stuck.world, stuck.cfg, { kind: 'relay-stuck-on' }, 'lights');
    await stuck.clock.advance(3_600_000);
    await healthy.clock.advance(3_600_000);
    expect(stuck.world.truth('gecko').airC - healthy.world.truth('gecko').airC).toBeGreaterThan(2);
  });

  it('gpio-reopen-failure: writes fail, and the line cannot be opened again until cleared', async () => {
    const { world: w, cfg } = world();
    const line = await w.gpio.openOutput(17, true);
    const clear = inject(w, cfg, { kind: 'gpio-reopen-failure' }, 'heater');
    await expect(line.write(false)).rejects.toMatchObject({ errno: 'EIO' });
    await line.close();
    await expect(w.gpio.openOutput(17, true)).rejects.toMatchObject({ errno: 'EBUSY' });
    clear();
    await expect(w.gpio.openOutput(17, true)).resolves.toBeDefined();
  });

  it('float-stuck: the float switch reads full with an empty reservoir, or empty with a full one', () => {
    const { world: w, cfg } = world();
    const sim = w.enclosures.get('gecko')!;
    const clear = inject(w, cfg, { kind: 'float-stuck', reads: 'empty' });
    w.sync();
    expect(w.gpio.level(5)).toBe(false); // emptyLevel low
    clear();
    sim.reservoirG = 0;
    inject(w, cfg, { kind: 'float-stuck', reads: 'full' });
    w.sync();
    expect(w.gpio.level(5)).toBe(true);
  });

  it('servo-jam: PCA9685 writes succeed but the hatch does not open (nothing dispensed)', async () => {
    const cycle = async (jam: boolean): Promise<number> => {
      const { world: w, clock, cfg } = world();
      if (jam) inject(w, cfg, { kind: 'servo-jam' }, 'feeder');
      const bus = await w.hardware().i2c.open(1);
      await bus.writeByte(0x40, 0xfe, 121); // 50 Hz while asleep
      await bus.writeByte(0x40, 0x00, 0x20); // wake, auto-increment
      await clock.advance(1);
      const pulse = async (us: number): Promise<void> => bus.writeBlock(0x40, 0x06, Uint8Array.of(0, 0, Math.round((us / 20_000) * 4096) & 0xff, Math.round((us / 20_000) * 4096) >> 8));
      await pulse(2000);
      await pulse(1000);
      return w.enclosures.get('gecko')!.feeders.get('feeder')!.dispensed;
    };
    expect(await cycle(false)).toBe(1);
    expect(await cycle(true)).toBe(0);
  });
});

describe('environment faults', () => {
  it('room: deltaC reached linearly over the ramp; toC holds the room at that temperature', async () => {
    const { world: w, clock, cfg } = world();
    const base = w.truth('gecko').roomC;
    const clear = inject(w, cfg, { kind: 'room', deltaC: 8, ramp: '2h' });
    await clock.advance(3_600_000);
    const half = w.truth('gecko').roomC;
    // The room's own day curve moves too; compare with a healthy twin.
    const twin = world();
    await twin.clock.advance(3_600_000);
    expect(half - twin.world.truth('gecko').roomC).toBeCloseTo(4, 1);
    clear();
    inject(w, cfg, { kind: 'room', toC: 35 });
    expect(w.truth('gecko').roomC).toBeCloseTo(35, 6);
    expect(base).toBeLessThan(30);
  });

  it('sun-on-glass: its watts warm the air; lid-open: the enclosure loses heat and humidity faster', async () => {
    const run = async (faults: FaultSpec[]): Promise<{ airC: number; humidityPct: number }> => {
      const { world: w, clock, cfg } = world(config((raw) => Object.assign(raw.enclosures[0].physics, { initialC: 30, initialHumidityPct: 70 })));
      for (const f of faults) inject(w, cfg, f);
      await clock.advance(3_600_000);
      return w.truth('gecko');
    };
    const healthy = await run([]);
    const sun = await run([{ kind: 'sun-on-glass', watts: 60 }]);
    const lid = await run([{ kind: 'lid-open' }]);
    expect(sun.airC - healthy.airC).toBeGreaterThan(2);
    expect(healthy.airC - lid.airC).toBeGreaterThan(1);
    expect(healthy.humidityPct - lid.humidityPct).toBeGreaterThan(3);
  });
});
