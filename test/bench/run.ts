import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO } from './configs.js';
import { ensureDist } from './dist-build.js';
import { faultFigure, simSpeedFigures, startupFigure, telemetryFigures } from './figures.js';
import { realTimeLeaksAndQuality } from './quality.js';
import { attempt, type Figure, table } from './results.js';

/**
 * `npm run bench`: speed, footprint and control quality, each figure beside a reference
 * measured in the same run. Writes `bench-results.json` at the repository root and prints the
 * table. Not part of `npm test` (vitest excludes test/bench). Budget: under 5 minutes on 2 cores.
 *
 * Phases: (1) `dist/` build check; (2) start-up and the simulation speed, alone on the machine;
 * (3) the 60 s real-time run (two near-idle children) beside the leak and control-quality
 * simulations (children, two at a time); (4) fault to safe and the telemetry drain.
 */

function machine(): Record<string, unknown> {
  return { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}` };
}

async function main(): Promise<void> {
  const started = performance.now();
  const figures: Figure[] = [];
  const build = ensureDist();
  process.stderr.write(`bench: ${build}\n`);
  figures.push(...(await attempt('startup', 'start-up', '<= 500 ms', startupFigure)));
  let ticksPerSecond = 5000;
  figures.push(
    ...(await attempt('sim-speed-1', 'simulation speed', '>= 100,000 ticks/s', async () => {
      const r = await simSpeedFigures();
      ticksPerSecond = r.ticksPerSecond;
      return r.figures;
    })),
  );
  figures.push(...(await realTimeLeaksAndQuality(ticksPerSecond)));
  figures.push(...(await attempt('fault-to-safe', 'fault to safe', '<= 1 tick', faultFigure)));
  figures.push(...(await attempt('telemetry-drain', 'telemetry drain', 'tick delay <= 50 ms', telemetryFigures)));
  const order = ['sim-speed-1', 'sim-speed-4', 'cpu-per-tick', 'memory', 'startup', 'leaks', 'quality-', 'fault-to-safe', 'telemetry-'];
  figures.sort((a, b) => order.findIndex((o) => a.id.startsWith(o)) - order.findIndex((o) => b.id.startsWith(o)));
  const out = { generatedAt: new Date().toISOString(), machine: machine(), build, wallSeconds: (performance.now() - started) / 1000, figures };
  writeFileSync(join(REPO, 'bench-results.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${table(figures)}\n\nmachine: ${JSON.stringify(out.machine)}; ${out.wallSeconds.toFixed(0)} s; written bench-results.json\n`);
}

await main();
