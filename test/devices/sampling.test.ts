import { describe, expect, it } from 'vitest';
import { PeriodicTask } from '../../src/devices/periodic-task.js';
import { EnclosureSampling, OneWireBulkSampler } from '../../src/devices/sampling.js';
import { SensorComponent } from '../../src/devices/sensor-component.js';
import { Ds18b20 } from '../../src/drivers/ds18b20.js';
import type { SensorDriver } from '../../src/drivers/types.js';
import { OneWireError } from '../../src/hal/errors.js';
import type { OneWire } from '../../src/hal/onewire.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { SimOneWire } from '../../simulators/onewire-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { FakeSensorDriver, T0, silentLog } from './fakes.js';

const P1 = '28-000005e2fdc3';
const P2 = '28-3c01d607a1b2';

function sensor(clock: VirtualClock, id: string, createDriver: () => Promise<SensorDriver>, over: { sampleEveryMs?: number; staleAfterMs?: number; bulkCapable?: boolean } = {}) {
  return new SensorComponent({ id, enclosureId: 'gecko', clock, random: new SeededRandom(3), log: silentLog, createDriver, stuckAfterMs: 0, medianOf: 1, staleAfterMs: 10_000, ...over });
}

/**
 * A w1 master with bulk conversion in virtual time: a conversion takes 750 ms (DS18B20 at 12 bits)
 * and each read of `w1_slave` runs one of its own; counts what was asked of it.
 */
class TimedOneWire implements OneWire {
  readonly sim = new SimOneWire();
  bulkConversions = 0;
  ownReads = 0;
  converted = new Map<string, number>();
  failBulk: OneWireError | null = null;
  constructor(private readonly clock: VirtualClock) {}
  list(): Promise<string[]> {
    return this.sim.list();
  }
  async readDevice(id: string): Promise<string> {
    this.ownReads++;
    await this.clock.sleep(750);
    return this.sim.readDevice(id);
  }
  async bulkConvert(): Promise<void> {
    if (this.failBulk) throw this.failBulk;
    this.bulkConversions++;
    await this.clock.sleep(750);
    for (const id of await this.sim.list()) this.converted.set(id, 21.5 + this.bulkConversions / 16);
  }
  async readTemperature(id: string): Promise<string> {
    const c = this.converted.get(id);
    if (c === undefined) throw new OneWireError('ENOENT', id, 'no such device');
    return `${Math.round(c * 1000)}\n`;
  }
}

describe('PeriodicTask', () => {
  it('runs at a fixed rate and skips, rather than replays, the periods a slow run overran', async () => {
    const clock = new VirtualClock(T0);
    const starts: number[] = [];
    let slow = false;
    const task = new PeriodicTask(clock, 1000, async () => {
      starts.push(clock.monotonic());
      if (slow) await clock.sleep(2500);
    });
    task.start();
    await clock.advance(2500);
    slow = true;
    await clock.advance(1000); // the run at 3 s takes until 5.5 s: 4 s and 5 s are skipped
    slow = false;
    await clock.advance(3000);
    await task.stop();
    expect(starts).toEqual([0, 1000, 2000, 3000, 6000]);
    expect(task.skipped).toBe(2);
  });
});

describe('OneWireBulkSampler', () => {
  it('samples every probe of the master with one bulk conversion per cycle instead of one conversion each', async () => {
    const clock = new VirtualClock(T0);
    const w1 = new TimedOneWire(clock);
    w1.sim.addDevice(P1, () => 20);
    w1.sim.addDevice(P2, () => 20);
    const probes = [P1, P2].map((id) => sensor(clock, id, async () => new Ds18b20(w1, id), { sampleEveryMs: 2000, bulkCapable: true }));
    const starting = Promise.all(probes.map((p) => p.start()));
    await clock.advance(2000);
    await starting;
    const readsAfterInit = w1.ownReads;
    const bulk = new OneWireBulkSampler(w1, clock, silentLog);
    for (const p of probes) bulk.add(p);
    const first = bulk.start();
    await clock.advance(750);
    await first;
    expect(probes.map((p) => p.readings().temperature?.value)).toEqual([21.563, 21.563]);
    await clock.advance(10_000);
    const stopping = bulk.stop(); // waits for the cycle in progress
    await clock.advance(1000);
    await stopping;
    // 1 + 5 cycles (every 2 s), each one conversion for both probes; no conversion of their own.
    expect(w1.bulkConversions).toBe(6);
    expect(w1.ownReads).toBe(readsAfterInit);
    expect(probes.map((p) => p.readings().temperature?.quality)).toEqual(['ok', 'ok']);
  });

  it('reads each probe on its own when the master has no bulk read, and does not ask for it again', async () => {
    const clock = new VirtualClock(T0);
    const w1 = new TimedOneWire(clock);
    w1.sim.addDevice(P1, () => 19.5);
    w1.failBulk = new OneWireError('ENOENT', 'bus', 'no therm_bulk_read');
    const probe = sensor(clock, P1, async () => new Ds18b20(w1, P1), { sampleEveryMs: 2000, bulkCapable: true });
    const starting = probe.start();
    await clock.advance(1000);
    await starting;
    const bulk = new OneWireBulkSampler(w1, clock, silentLog);
    bulk.add(probe);
    const spy = { calls: 0 };
    const original = w1.bulkConvert.bind(w1);
    w1.bulkConvert = () => {
      spy.calls++;
      return original();
    };
    const first = bulk.start();
    await clock.advance(1000);
    await first;
    await clock.advance(6000);
    const stopping = bulk.stop(); // waits for the cycle in progress
    await clock.advance(1000);
    await stopping;
    expect(probe.readings().temperature).toMatchObject({ value: 19.5, quality: 'ok' });
    expect(spy.calls).toBe(1);
  });
});

describe('EnclosureSampling', () => {
  it('keeps sampling the other sensors on time while one hangs, and the hung one goes stale on time', async () => {
    const clock = new VirtualClock(T0);
    const hung = new FakeSensorDriver();
    const good = new FakeSensorDriver();
    let t = 20;
    good.fallback = 20;
    const a = sensor(clock, 'air', async () => hung, { sampleEveryMs: 1000 });
    const b = sensor(clock, 'probe', async () => good, { sampleEveryMs: 1000 });
    await a.start();
    await b.start();
    const sampling = new EnclosureSampling(clock, [a, b], undefined, 1000);
    await sampling.start(); // first samples at 0 s
    hung.fallback = 'hang';
    for (let s = 1; s <= 30; s++) {
      good.fallback = t += 0.01;
      await clock.advance(1000);
      // The good sensor is sampled on time, every period.
      expect(b.readings().temperature).toMatchObject({ quality: 'ok', at: T0 + s * 1000 });
    }
    // Last good sample of the hung sensor at 0 s: stale once older than 10 s.
    expect(a.readings().temperature).toMatchObject({ quality: 'stale', value: 25, at: T0 });
    const stopping = Promise.all([a.stop(), b.stop()]); // after the hung read's attempts time out
    await clock.advance(10_000);
    await stopping;
  });
});
