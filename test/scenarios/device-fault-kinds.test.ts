import { describe, expect, it } from 'vitest';
import type { Reading } from '../../src/devices/reading.js';
import { type FaultSpec, ScenarioSchema } from '../../simulators/scenario.js';
import type { SimWorld } from '../../simulators/sim-world.js';
import { ENCLOSURE, referenceConfig, runScenario, type ScenarioRun } from './support.js';

/**
 * One short scenario per device-, bus- and physics-level fault kind on the reference enclosure:
 * the real controller in virtual time, the fault injected after the ~7 min warm-up, and the
 * effect a keeper would see asserted on what the controller reports (its readings, outputs,
 * health and faults) against the simulated truth.
 */

const MIN = 60_000;

/** What each tick leaves: the controller's air readings against the truth, outputs and health. */
interface Tick {
  /** Minutes since the start of the run. */
  t: number;
  temperature: Reading | null;
  humidity: Reading | null;
  airC: number;
  roomC: number;
  humidityPct: number;
  heaterOn: boolean;
  misterOn: boolean;
  health: Record<string, string>;
  faults: string[];
}

interface KindRun {
  run: ScenarioRun;
  ticks: Tick[];
  world: SimWorld;
  /** Ticks in [fromMin, toMin). */
  during(fromMin: number, toMin: number): Tick[];
}

/** Runs an inline scenario of one fault from `atMin` for `forMin` minutes (omit: to the end), `minutes` long in all. */
async function runKind(fault: FaultSpec, o: { device?: string; atMin?: number; forMin?: number; minutes?: number; edit?: (raw: any) => void }): Promise<KindRun> {
  const scenario = ScenarioSchema.parse({
    name: `kind-${fault.kind}`,
    description: `one ${fault.kind} fault`,
    days: (o.minutes ?? 60) / 1440,
    events: [{ at: (o.atMin ?? 15) * 60, ...(o.forMin !== undefined ? { duration: o.forMin * 60 } : {}), ...(o.device ? { device: o.device } : {}), fault }],
  });
  const ticks: Tick[] = [];
  let start: number | null = null;
  let world: SimWorld | undefined;
  const run = await runScenario(scenario.name, {
    scenario,
    config: referenceConfig(o.edit),
    onTick: (outcomes, w) => {
      world = w;
      const s = outcomes.find((x) => x.snapshot.enclosureId === ENCLOSURE)?.snapshot;
      if (!s) return;
      start ??= s.at - w.clock.monotonic();
      const truth = w.truth(ENCLOSURE);
      ticks.push({
        t: (s.at - start) / MIN,
        temperature: s.temperature,
        humidity: s.humidity,
        airC: truth.airC,
        roomC: truth.roomC,
        humidityPct: truth.humidityPct,
        heaterOn: s.actuators.heater?.on ?? false,
        misterOn: s.actuators.mister?.on ?? false,
        health: Object.fromEntries(s.health.map((h) => [h.id, h.status])),
        faults: s.faults.map((f) => f.kind),
      });
    },
  });
  return { run, ticks, world: world as SimWorld, during: (a, b) => ticks.filter((x) => x.t >= a && x.t < b) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const tempErr = (ts: Tick[]): number[] => ts.filter((x) => x.temperature?.value != null).map((x) => (x.temperature?.value as number) - x.airC);
const rhErr = (ts: Tick[]): number[] => ts.filter((x) => x.humidity?.value != null).map((x) => (x.humidity?.value as number) - x.humidityPct);

describe('sensor faults as the controller sees them', () => {
  it('sensor-offset: the controller reads the air 4 °C high while it lasts, true again after', async () => {
    const k = await runKind({ kind: 'sensor-offset', quantity: 'temperature', by: 4 }, { device: 'air', atMin: 15, forMin: 20, minutes: 50 });
    expect(median(tempErr(k.during(5, 15)))).toBeCloseTo(0, 0);
    expect(median(tempErr(k.during(17, 35)))).toBeCloseTo(4, 0);
    expect(median(tempErr(k.during(38, 50)))).toBeCloseTo(0, 0);
  });

  it('sensor-drift: the air sensor drifts by perHour (6 °C/h); the diagnosis names it and control stays on the true air', async () => {
    const k = await runKind({ kind: 'sensor-drift', quantity: 'temperature', perHour: 6 }, { device: 'air', atMin: 15, forMin: 30, minutes: 50 });
    expect(median(tempErr(k.during(18, 20)))).toBeLessThan(0.8);
    // The drifting BME280 (the device-level test shows its reading grows by perHour) is named and
    // left out of control: the controlled temperature follows the DS18B20, not the drift.
    expect(k.during(30, 45).some((x) => x.faults.includes('sensor-drift'))).toBe(true);
    expect(Math.abs(median(tempErr(k.during(42, 45))))).toBeLessThan(0.8);
  });

  it('sensor-gain: the humidity reads 50 + factor x (true - 50) %RH', async () => {
    const k = await runKind({ kind: 'sensor-gain', quantity: 'humidity', factor: 0.5 }, { device: 'air', atMin: 15, minutes: 40 });
    const ts = k.during(20, 40).filter((x) => x.humidity?.value != null);
    const expected = median(ts.map((x) => 50 + 0.5 * (x.humidityPct - 50)));
    expect(median(ts.map((x) => x.humidity?.value as number))).toBeCloseTo(expected, 0);
    expect(Math.abs(median(rhErr(k.during(5, 15))))).toBeLessThan(1.5);
  });

  it('sensor-noise: readings scatter around the truth (median-of-3 filtered) only while it lasts', async () => {
    const k = await runKind({ kind: 'sensor-noise', quantity: 'temperature', sd: 1.5 }, { device: 'air', atMin: 15, forMin: 20, minutes: 45 });
    const sd = (xs: number[]): number => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    expect(sd(tempErr(k.during(5, 15)))).toBeLessThan(0.15);
    expect(sd(tempErr(k.during(17, 35)))).toBeGreaterThan(0.5);
  });

  it('probe-detached: a BME280 that fell out reads the room, not the enclosure air', async () => {
    const k = await runKind({ kind: 'probe-detached', reads: 'room' }, { device: 'air', atMin: 15, minutes: 40 });
    const ts = k.during(20, 40).filter((x) => x.temperature?.sensorId === 'air' && x.temperature.value != null);
    expect(ts.length).toBeGreaterThan(600);
    for (const x of ts) expect(Math.abs((x.temperature?.value as number) - x.roomC)).toBeLessThan(0.5);
    expect(median(ts.map((x) => x.airC - x.roomC))).toBeGreaterThan(3);
  });

  it('humidity-saturated: the controller sees 100 %RH and never mists', async () => {
    const k = await runKind({ kind: 'humidity-saturated' }, { device: 'air', atMin: 15, minutes: 40 });
    const ts = k.during(17, 40);
    expect(median(ts.map((x) => x.humidity?.value ?? 0))).toBeGreaterThan(99);
    expect(ts.some((x) => x.misterOn)).toBe(false);
    expect(median(ts.map((x) => x.humidityPct))).toBeLessThan(90);
  });
});

describe('bus faults as the controller sees them', () => {
  it('onewire-error-rate: the probe keeps working (bad reads rejected and retried), and none reaches the controller', async () => {
    const edit = (raw: any): void => {
      raw.enclosures[0].actuators.find((a: any) => a.id === 'heater').sensors = ['probe', 'air'];
    };
    const k = await runKind({ kind: 'onewire-error-rate', rate: 0.4 }, { device: 'probe', atMin: 15, minutes: 45, edit });
    const ts = k.during(17, 45).filter((x) => x.temperature?.sensorId === 'probe' && x.temperature.quality === 'ok');
    expect(ts.length).toBeGreaterThan(0.8 * k.during(17, 45).length);
    // No corrupted value got through: every accepted reading is within the probe's quantisation of the truth.
    for (const x of ts) expect(Math.abs((x.temperature?.value as number) - x.airC)).toBeLessThan(0.5);
  });

  it('i2c-bus-stall: the BME280 readings go stale while the bus hangs, the heater falls back to the probe, and the air sensor recovers after', async () => {
    const k = await runKind({ kind: 'i2c-bus-stall', bus: 1 }, { atMin: 15, forMin: 10, minutes: 45 });
    expect(k.during(5, 15).every((x) => x.temperature?.sensorId === 'air')).toBe(true);
    const stalled = k.during(20, 25);
    expect(stalled.some((x) => x.health.air !== 'healthy')).toBe(true);
    expect(stalled.every((x) => x.temperature?.sensorId !== 'air' || x.temperature.quality !== 'ok')).toBe(true);
    expect(k.during(40, 45).every((x) => x.health.air === 'healthy' && x.temperature?.sensorId === 'air')).toBe(true);
  });
});

describe('output faults as the controller sees them', () => {
  it('relay-stuck-off: the heater is commanded on but the element gets nothing; the air cools and the controller raises heater-no-heat', async () => {
    const k = await runKind({ kind: 'relay-stuck-off' }, { device: 'heater', atMin: 15, minutes: 75 });
    expect(k.during(15, 40).filter((x) => x.heaterOn).length).toBeGreaterThan(10 * 60);
    const late = k.during(60, 75);
    expect(late.every((x) => x.faults.includes('heater-no-heat'))).toBe(true);
    expect(median(late.map((x) => x.airC))).toBeLessThan(median(k.during(10, 15).map((x) => x.airC)) - 1);
  });

  it('relay-stuck-on on the mister: misting the controller never asked for saturates the air', async () => {
    const k = await runKind({ kind: 'relay-stuck-on' }, { device: 'mister', atMin: 15, forMin: 15, minutes: 40 });
    expect(median(k.during(5, 15).map((x) => x.humidityPct))).toBeLessThan(70);
    expect(Math.max(...k.during(20, 30).map((x) => x.humidityPct))).toBeGreaterThan(95);
    expect(k.during(20, 30).some((x) => x.misterOn)).toBe(false);
  });

  it('gpio-reopen-failure: the heater output fails and stays failed until the line can be opened again', async () => {
    const k = await runKind({ kind: 'gpio-reopen-failure' }, { device: 'heater', atMin: 15, forMin: 10, minutes: 45 });
    expect(k.during(20, 25).some((x) => x.health.heater !== 'healthy')).toBe(true);
    expect(k.during(40, 45).every((x) => x.health.heater === 'healthy')).toBe(true);
  });

  it('float-stuck full: the float switch says full while the reservoir is dry, so the mister keeps running dry and no water fault is raised', async () => {
    const k = await runKind({ kind: 'float-stuck', reads: 'full' }, { atMin: 5, minutes: 40 });
    const sim = k.world.enclosures.get(ENCLOSURE);
    expect(sim?.floatStuck).toBe('full');
    expect(k.ticks.some((x) => x.faults.includes('water-low'))).toBe(false);
  });

  it('float-stuck empty: the water interlock holds the mister off although the reservoir is full', async () => {
    const k = await runKind({ kind: 'float-stuck', reads: 'empty' }, { atMin: 5, minutes: 40 });
    expect(k.during(10, 40).some((x) => x.misterOn)).toBe(false);
    expect(k.ticks.some((x) => x.faults.includes('water-low'))).toBe(true);
    expect(k.world.enclosures.get(ENCLOSURE)?.reservoirG).toBeGreaterThan(4000);
  });

  it('servo-jam: the controller feeds (its writes succeed) but nothing is dispensed', async () => {
    const edit = (raw: any): void => {
      raw.enclosures[0].overrides = { feeding: { schedule: '30 2 * * *', requireTemperatureWithinC: 20 } };
    };
    const healthy = await runKind({ kind: 'servo-jam' }, { device: 'feeder', atMin: 80, minutes: 60, edit });
    const jammed = await runKind({ kind: 'servo-jam' }, { device: 'feeder', atMin: 5, minutes: 60, edit });
    const feeds = (k: KindRun): number => k.run.result.events.filter((e) => e.event.type === 'feed').length;
    expect(feeds(healthy)).toBe(1);
    expect(healthy.world.enclosures.get(ENCLOSURE)?.feeders.get('feeder')?.dispensed).toBe(1);
    expect(feeds(jammed)).toBe(1);
    expect(jammed.world.enclosures.get(ENCLOSURE)?.feeders.get('feeder')?.dispensed).toBe(0);
  });
});

describe('environment faults as the controller sees them', () => {
  it('room: a +12 °C heatwave over 20 min lifts the air above the band with the heater off', async () => {
    const k = await runKind({ kind: 'room', deltaC: 12, ramp: '20m' }, { atMin: 15, minutes: 90 });
    const late = k.during(75, 90);
    expect(median(late.map((x) => x.roomC)) - median(k.during(10, 15).map((x) => x.roomC))).toBeGreaterThan(10);
    expect(late.some((x) => x.heaterOn)).toBe(false);
    expect(median(late.map((x) => x.temperature?.value ?? 0))).toBeGreaterThan(median(k.during(10, 15).map((x) => x.temperature?.value ?? 0)) + 2);
  });

  it('sun-on-glass: 150 W of sun warms the air past the band; the thermostat stops heating', async () => {
    const k = await runKind({ kind: 'sun-on-glass', watts: 150 }, { atMin: 15, minutes: 75 });
    const late = k.during(55, 75);
    expect(late.some((x) => x.heaterOn)).toBe(false);
    expect(median(late.map((x) => x.temperature?.value ?? 0))).toBeGreaterThan(median(k.during(10, 15).map((x) => x.temperature?.value ?? 0)) + 1.5);
  });

  it('lid-open: the heater runs much more to hold the air', async () => {
    const base = await runKind({ kind: 'lid-open' }, { atMin: 100, minutes: 75 });
    const open = await runKind({ kind: 'lid-open' }, { atMin: 15, minutes: 75 });
    const duty = (k: KindRun): number => k.during(30, 75).filter((x) => x.heaterOn).length / k.during(30, 75).length;
    expect(duty(open)).toBeGreaterThan(duty(base) + 0.2);
  });
});
