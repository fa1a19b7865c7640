import { performance } from 'node:perf_hooks';
import type { Config } from '../../src/config/load.js';
import { Bme280 } from '../../src/drivers/bme280.js';
import { Ds18b20 } from '../../src/drivers/ds18b20.js';
import { DEFAULT_SIM_START } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { startRig } from './sim-rig.js';

/** Virtual warm-up before timing (JIT tier-up, caches, first conversions), ms. */
const WARM_UP_MS = 60 * 60_000;

/**
 * Full control ticks per wall-clock second in virtual time: the real controller on the simulated
 * terrarium (register-level BME280 conversions with their waits on the virtual clock, DS18B20
 * `w1_slave` text, relays on simulated GPIO, physics), its supervisor, the state document and the
 * telemetry writing readings and events to the SQLite outbox (broker offline).
 * @param simulatedMs virtual time to time after the warm-up, ms
 * @returns controller ticks per wall second (each tick covers every enclosure)
 */
export async function fullTicksPerSecond(config: Config, simulatedMs: number): Promise<{ ticksPerSecond: number; ticks: number; wallSeconds: number; cpuSeconds: number }> {
  const rig = await startRig(config, { telemetry: config.mqtt ? 'offline' : 'none' });
  try {
    await rig.run(WARM_UP_MS);
    const t0 = rig.ticks();
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    await rig.run(simulatedMs);
    const wallSeconds = (performance.now() - w0) / 1000;
    const c = process.cpuUsage(c0);
    const ticks = rig.ticks() - t0;
    return { ticksPerSecond: ticks / wallSeconds, ticks, wallSeconds, cpuSeconds: (c.user + c.system) / 1e6 };
  } finally {
    await rig.stop();
  }
}

/**
 * The reference for the simulation speed: the same simulated hardware read by the bare drivers
 * (no component, retry, breaker, control, guard, apply or report): per 1 s of virtual time one
 * BME280 forced conversion (register writes, the conversion wait on the virtual clock, status poll,
 * burst read, compensation; physics synced) and one DS18B20 `w1_slave` read and parse. This is the
 * floor a register-level tick cannot go below on this machine and Node version.
 * @returns sample sets per wall second
 */
export async function sensorFloorPerSecond(config: Config, seconds: number): Promise<{ perSecond: number; perCpuSecond: number }> {
  const clock = new VirtualClock(Date.parse(config.hardware.sim.start ?? DEFAULT_SIM_START));
  const world = new SimWorld(config, clock);
  const enc = config.enclosures[0];
  const bmeCfg = enc.sensors.find((s) => s.type === 'bme280');
  const dsCfg = enc.sensors.find((s) => s.type === 'ds18b20');
  if (bmeCfg?.type !== 'bme280' || dsCfg?.type !== 'ds18b20') throw new Error('sensor floor needs a BME280 and a DS18B20 in enclosure 0');
  const hw = world.hardware();
  const bme = new Bme280(await hw.i2c.open(bmeCfg.bus), bmeCfg.address, clock, { oversampling: bmeCfg.oversampling, filter: bmeCfg.filter });
  const ds = new Ds18b20(hw.oneWire, dsCfg.deviceId);
  const init = bme.init();
  await clock.advance(100);
  await init;
  await ds.init();
  // Started from a virtual timer every second and run in one-minute chunks, as the tick loop is.
  let sets = 0;
  let failure: unknown;
  const sample = (): void => {
    Promise.all([bme.read(), ds.read()]).then(
      () => void sets++,
      (e: unknown) => void (failure ??= e),
    );
    clock.setTimeout(sample, 1000);
  };
  const runFor = async (ms: number): Promise<void> => {
    const end = clock.monotonic() + ms;
    for (let t = clock.monotonic() + 60_000; ; t += 60_000) {
      await clock.runUntilMonotonic(Math.min(t, end));
      if (t >= end) break;
    }
    if (failure) throw failure;
  };
  sample();
  await runFor(600_000);
  const s0 = sets;
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  await runFor(seconds * 1000);
  const c = process.cpuUsage(c0);
  const n = sets - s0;
  return { perSecond: n / ((performance.now() - w0) / 1000), perCpuSecond: n / ((c.user + c.system) / 1e6) };
}
