// Child of the simulation-speed figure (`node test/bench/child-speed.mjs <sim|floor> <config> <warm s> <timed s>`),
// a fresh process per round so none inherits another's JIT state. Prints
// `{ simulatedSeconds, cpuMs, wallMs, enclosures }` for the timed part only.
//   sim:   runSimulation (what `terrarium simulate` runs: Controller, SimWorld, report recorder) in
//          virtual time; CPU is read at the tick that ends the warm-up and at the last timed tick.
//   floor: the reference: the same simulated sensors read by the bare drivers, one BME280 forced
//          conversion and one DS18B20 read per simulated second (no control, no report).
import { performance } from 'node:perf_hooks';
import { cpuMs, floorModules, loadConfigFile, result, runSimulationFn } from './dist-rig.mjs';

const [what, file, warmArg, timedArg] = process.argv.slice(2);
const warmS = Number(warmArg);
const timedS = Number(timedArg);
const config = await loadConfigFile(file);

if (what === 'sim') {
  const runSimulation = await runSimulationFn();
  const tickS = config.controller.tickMs / 1000;
  const warmTicks = Math.round(warmS / tickS);
  const endTicks = warmTicks + Math.round(timedS / tickS);
  let ticks = 0;
  let c0 = 0;
  let w0 = 0;
  let out;
  await runSimulation({
    config,
    // Two minutes of slack after the timed part, so its last tick surely runs.
    days: (warmS + timedS + 120) / 86_400,
    onTick: () => {
      ticks++;
      if (ticks === warmTicks) {
        c0 = cpuMs();
        w0 = performance.now();
      } else if (ticks === endTicks) {
        out = { simulatedSeconds: timedS, cpuMs: cpuMs() - c0, wallMs: performance.now() - w0, enclosures: config.enclosures.length };
      }
    },
  });
  if (!out) throw new Error(`only ${ticks} ticks ran, expected ${endTicks}`);
  result(out);
} else if (what === 'floor') {
  const { Bme280, Ds18b20, DEFAULT_SIM_START, SimWorld, VirtualClock } = await floorModules();
  const clock = new VirtualClock(Date.parse(config.hardware.sim.start ?? DEFAULT_SIM_START));
  const world = new SimWorld(config, clock);
  const enc = config.enclosures[0];
  const bmeCfg = enc.sensors.find((s) => s.type === 'bme280');
  const dsCfg = enc.sensors.find((s) => s.type === 'ds18b20');
  const hw = world.hardware();
  const bme = new Bme280(await hw.i2c.open(bmeCfg.bus), bmeCfg.address, clock, { oversampling: bmeCfg.oversampling, filter: bmeCfg.filter });
  const ds = new Ds18b20(hw.oneWire, dsCfg.deviceId);
  const init = bme.init();
  await clock.advance(100);
  await init;
  await ds.init();
  let sets = 0;
  let failure;
  // Started from a virtual timer every second and run in one-minute chunks, as the tick loop is.
  const sample = () => {
    Promise.all([bme.read(), ds.read()]).then(
      () => void sets++,
      (e) => void (failure ??= e),
    );
    clock.setTimeout(sample, 1000);
  };
  const runFor = async (ms) => {
    const end = clock.monotonic() + ms;
    for (let t = clock.monotonic() + 60_000; ; t += 60_000) {
      await clock.runUntilMonotonic(Math.min(t, end));
      if (t >= end) break;
    }
    if (failure) throw failure;
  };
  sample();
  await runFor(warmS * 1000);
  const s0 = sets;
  const c0 = cpuMs();
  const w0 = performance.now();
  await runFor(timedS * 1000);
  result({ simulatedSeconds: sets - s0, cpuMs: cpuMs() - c0, wallMs: performance.now() - w0, enclosures: 1 });
} else {
  throw new Error('usage: child-speed.mjs <sim|floor> <config> <warm s> <timed s>');
}
