import { describe, expect, it } from 'vitest';
import { SensorDataError } from '../../src/drivers/errors.js';
import { DeviceIdentityError, I2cError } from '../../src/hal/errors.js';
import { SensorComponent, type SensorComponentOptions } from '../../src/devices/sensor-component.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { FakeSensorDriver, T0, eio, silentLog } from './fakes.js';

function setup(driver: FakeSensorDriver, over: Partial<SensorComponentOptions> = {}) {
  const clock = new VirtualClock(T0);
  let creates = 0;
  const sensor = new SensorComponent({
    id: 'air',
    enclosureId: 'gecko',
    clock,
    random: new SeededRandom(7),
    log: silentLog,
    createDriver: async () => {
      creates++;
      return driver;
    },
    staleAfterMs: 5000,
    stuckAfterMs: 0,
    ...over,
  });
  /** One control tick: sample, then let `ms` of virtual time pass. */
  const tick = async (ms = 1000) => {
    const p = sensor.sample();
    await clock.advance(ms);
    await p;
  };
  return { clock, sensor, tick, creates: () => creates };
}

describe('SensorComponent', () => {
  it('reports an ok reading with value and wall time after a good sample', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(25.5);
    const { sensor, tick } = setup(driver);
    await sensor.start();
    await tick();
    expect(sensor.readings()).toEqual({ temperature: { sensorId: 'air', quantity: 'temperature', value: 25.5, at: T0, quality: 'ok' } });
    expect(sensor.health()).toMatchObject({ status: 'healthy', breaker: 'closed', lastSuccessAt: T0 });
  });

  it('reports missing quantities before the first sample', async () => {
    const { sensor } = setup(new FakeSensorDriver(['temperature', 'humidity']));
    await sensor.start();
    const r = sensor.readings();
    expect(r.temperature).toMatchObject({ value: null, at: null, quality: 'missing' });
    expect(r.humidity).toMatchObject({ value: null, at: null, quality: 'missing' });
    expect(sensor.health().status).toBe('unknown');
  });

  it('keeps the reading ok through a failed sample, and marks it stale once the last good sample is older than staleAfterMs', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(24);
    driver.fallback = eio();
    const { sensor, tick, clock } = setup(driver);
    await sensor.start();
    await tick(); // good at mono 0, then failures
    await tick();
    expect(sensor.health().status).toBe('degraded');
    expect(sensor.readings().temperature).toMatchObject({ value: 24, at: T0, quality: 'ok' });
    await clock.runUntilMonotonic(5000);
    expect(sensor.readings().temperature?.quality).toBe('ok');
    await clock.runUntilMonotonic(5001);
    expect(sensor.readings().temperature).toEqual({
      sensorId: 'air',
      quantity: 'temperature',
      value: 24,
      at: T0,
      quality: 'stale',
      reason: 'no good sample for 5 s (stale after 5 s)',
    });
  });

  it('retries a transient error inside one sample and reports degraded (needed a retry)', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(eio(), 26);
    const { sensor, tick } = setup(driver);
    await sensor.start();
    await tick();
    expect(driver.reads).toBe(2);
    expect(sensor.readings().temperature).toMatchObject({ value: 26, quality: 'ok' });
    expect(sensor.health()).toMatchObject({ status: 'degraded', counters: { reads: 1, failures: 0, retries: 1, recoveries: 0 } });
  });

  it('times out a read that never answers and retries it', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push('hang', 23.5);
    const { sensor, tick } = setup(driver);
    await sensor.start();
    await tick(3000);
    expect(driver.reads).toBe(2);
    // 2 s attempt timeout, then the full-jitter backoff: first draw of the seed × 50 ms base.
    const backoff = new SeededRandom(7).next() * 50;
    expect(sensor.readings().temperature).toMatchObject({ value: 23.5, quality: 'ok', at: T0 + 2000 + backoff });
    expect(sensor.health().counters.retries).toBe(1);
  });

  it.each([
    ['a CRC failure', () => new SensorDataError('crc', 'CRC check failed')],
    ['a wrong chip id', () => new DeviceIdentityError('chip id 0x58')],
  ])('does not retry %s', async (_name, make) => {
    const driver = new FakeSensorDriver();
    driver.script.push(make());
    const { sensor, tick } = setup(driver);
    await sensor.start();
    await tick();
    expect(driver.reads).toBe(1);
    expect(sensor.health().counters.failures).toBe(1);
  });

  it('never reports a value outside the plausible range as ok, and counts it as a data failure', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(85);
    const { sensor, tick } = setup(driver, { plausible: { temperature: { min: 5, max: 45 } } });
    await sensor.start();
    await tick();
    expect(driver.reads).toBe(1);
    expect(sensor.readings().temperature).toEqual({
      sensorId: 'air',
      quantity: 'temperature',
      value: 85,
      at: T0,
      quality: 'implausible',
      reason: 'out of plausible range 5..45 °C',
    });
    expect(sensor.health()).toMatchObject({ status: 'degraded', counters: { failures: 1 } });
    expect(sensor.health().reason).toBe('data: read: SENSOR_IMPLAUSIBLE: air temperature 85 outside plausible range 5..45');
  });

  it('treats a non-finite value as garbage, not as a reading', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(Number.NaN);
    const { sensor, tick } = setup(driver);
    await sensor.start();
    await tick();
    expect(sensor.readings().temperature?.quality).toBe('missing');
    expect(sensor.health().reason).toMatch(/SENSOR_DATA/);
  });

  it('flags a raw value unchanged for stuckAfterMs as implausible (stuck)', async () => {
    const driver = new FakeSensorDriver();
    driver.fallback = 24.51;
    const { sensor, tick } = setup(driver, { stuckAfterMs: 60_000, staleAfterMs: 5000 });
    await sensor.start();
    for (let i = 0; i < 60; i++) await tick(); // samples at mono 0 .. 59 000
    expect(sensor.readings().temperature?.quality).toBe('ok');
    await tick(); // sample at 60 000: unchanged for 60 s
    expect(sensor.readings().temperature).toMatchObject({ value: 24.51, quality: 'implausible', reason: 'stuck at 24.51 °C for 1 min' });
    expect(sensor.health().lastError).toMatch(/SENSOR_STUCK/);
    driver.fallback = 24.6;
    await tick();
    expect(sensor.readings().temperature).toMatchObject({ value: 24.6, quality: 'ok' });
  });

  it('does not call a quantised probe (only ever multiples of 0.0625 °C, a DS18B20) stuck for an unchanged value', async () => {
    const driver = new FakeSensorDriver();
    driver.fallback = 24.5; // 392/16: a quiet DS18B20 in a stable enclosure
    const { sensor, tick } = setup(driver, { stuckAfterMs: 60_000, staleAfterMs: 5000 });
    await sensor.start();
    for (let i = 0; i < 180; i++) await tick();
    expect(sensor.readings().temperature).toMatchObject({ value: 24.5, quality: 'ok' });
    expect(sensor.health().status).toBe('healthy');
  });

  it('reports the median of the last 3 samples, rejecting a single spike', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(25.0, 25.2, 85, 25.1);
    const { sensor, tick } = setup(driver, { medianOf: 3, plausible: { temperature: { min: 5, max: 45 } } });
    await sensor.start();
    const seen: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      await tick();
      const r = sensor.readings().temperature;
      expect(r?.quality).toBe('ok');
      seen.push(r?.value ?? null);
    }
    expect(seen).toEqual([25.0, 25.1, 25.2, 25.2]);
  });

  it('reports a spike without the median filter as implausible', async () => {
    const driver = new FakeSensorDriver();
    driver.script.push(25.0, 85);
    const { sensor, tick } = setup(driver, { medianOf: 1, plausible: { temperature: { min: 5, max: 45 } } });
    await sensor.start();
    await tick();
    await tick();
    expect(sensor.readings().temperature).toMatchObject({ value: 85, quality: 'implausible' });
  });

  it('opens the breaker after 5 failed samples, stops reading, and probes after the reset timeout', async () => {
    const driver = new FakeSensorDriver();
    driver.fallback = eio();
    const { sensor, tick } = setup(driver, { breaker: { failureThreshold: 5, resetTimeoutMs: 2500, maxResetTimeoutMs: 20_000 } });
    await sensor.start();
    for (let i = 0; i < 5; i++) await tick();
    expect(driver.reads).toBe(15); // 5 samples × 3 attempts
    expect(sensor.health()).toMatchObject({ status: 'failed', breaker: 'open' });
    expect(sensor.health().reason).toMatch(/^circuit open after 5 failures in a row/);
    await tick(); // mono 5000: open, no read
    await tick(); // mono 6000: open, no read
    expect(driver.reads).toBe(15);
    driver.fallback = 25;
    await tick(); // mono 7000: >= 2.5 s after opening at 4000 + backoff, a half-open probe
    expect(driver.reads).toBe(16);
    expect(sensor.health()).toMatchObject({ status: 'degraded', breaker: 'closed' });
    await tick();
    await tick();
    expect(sensor.health()).toMatchObject({ status: 'healthy', counters: { recoveries: 1 } });
  });

  it('marks health failed when start fails, without throwing, and restart() reopens through the factory', async () => {
    const driver = new FakeSensorDriver();
    driver.initErrors.push(new I2cError('ENOENT', 1, 0x76, 'no such bus'));
    const closed: unknown[] = [];
    const { sensor, tick, creates } = setup(driver, { closeDriver: async (d) => void closed.push(d) });
    await expect(sensor.start()).resolves.toBeUndefined();
    expect(sensor.health().status).toBe('failed');
    expect(sensor.health().reason).toMatch(/ENOENT/);
    await tick();
    expect(driver.reads).toBe(0); // not initialised: the supervisor must act
    const ok = await sensor.restart();
    expect(ok).toBe(true);
    expect(creates()).toBe(2);
    expect(closed).toEqual([driver]);
    expect(driver.inits).toBe(2);
    expect(driver.reads).toBe(1); // the verification read
    expect(sensor.health().status).toBe('degraded');
    await tick();
    await tick();
    expect(sensor.health()).toMatchObject({ status: 'healthy', counters: { recoveries: 1 } });
  });

  it('reset() runs the driver soft reset, verifies with a read and closes the breaker', async () => {
    const driver = new FakeSensorDriver();
    driver.fallback = eio();
    driver.onReset = () => {
      driver.fallback = 25;
    };
    const { sensor, tick } = setup(driver, { breaker: { failureThreshold: 2, resetTimeoutMs: 60_000, maxResetTimeoutMs: 60_000 } });
    await sensor.start();
    await tick();
    await tick();
    expect(sensor.health().breaker).toBe('open');
    expect(await sensor.reset()).toBe(true);
    expect(driver.resets).toBe(1);
    expect(sensor.health().breaker).toBe('closed');
    expect(sensor.readings().temperature?.quality).toBe('ok');
  });

  it('reset() reports failure when the verification read still fails', async () => {
    const driver = new FakeSensorDriver();
    driver.fallback = eio();
    const { sensor, clock } = setup(driver);
    await sensor.start();
    const p = sensor.reset();
    await clock.advance(1000);
    expect(await p).toBe(false);
    expect(driver.resets).toBe(1);
    expect(sensor.health()).toMatchObject({ status: 'failed' });
    expect(sensor.health().reason).toMatch(/reset: verification read/);
  });

  it('stop() releases the driver and later samples do nothing', async () => {
    const driver = new FakeSensorDriver();
    const closed: unknown[] = [];
    const { sensor, tick } = setup(driver, { closeDriver: async (d) => void closed.push(d) });
    await sensor.start();
    await sensor.stop();
    await tick();
    expect(closed).toEqual([driver]);
    expect(driver.reads).toBe(0);
  });
});
