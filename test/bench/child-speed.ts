import { simulatedRaw, toConfig, withEnclosures, withMqtt } from './configs.js';
import { fullTicksPerSecond, sensorFloorPerSecond } from './sim-speed.js';

/**
 * Child entry of the simulation-speed figure, so every measurement starts from a fresh process (as
 * `terrarium simulate` does) and none inherits the JIT state of another: `floor` measures the
 * reference (bare driver reads), `1` and `4` the full tick with that many enclosures.
 * Prints `{ perSecond, cpuPerSecond }`.
 */
const what = process.argv[2];
if (what === 'floor') {
  const r = await sensorFloorPerSecond(toConfig(simulatedRaw()), 4 * 86_400);
  process.stdout.write(`${JSON.stringify({ perSecond: r.perSecond, cpuPerSecond: r.perCpuSecond })}\n`);
} else if (what === '1' || what === '4') {
  const n = Number(what);
  const r = await fullTicksPerSecond(toConfig(withMqtt(withEnclosures(simulatedRaw(), n))), (n === 1 ? 24 : 6) * 3_600_000);
  process.stdout.write(`${JSON.stringify({ perSecond: r.ticksPerSecond, cpuPerSecond: r.ticks / r.cpuSeconds, ticks: r.ticks, wallSeconds: r.wallSeconds })}\n`);
} else {
  throw new Error('usage: child-speed <floor|1|4>');
}
