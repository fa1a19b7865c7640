import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO } from './configs.js';
import { ensureDist } from './dist-build.js';
import { faultFigure, telemetryFigures } from './extras.js';
import { httpCostFigures } from './http-cost.js';
import { leakFigure, qualityFigures } from './heavy.js';
import { type BenchPlan, planFromArgs } from './plan.js';
import { realTimePhase } from './realtime.js';
import { attempt, failedFigure, type Figure, table } from './results.js';
import { speedFigures } from './speed.js';
import { startupFigure } from './startup.js';

/**
 * `npm run bench` (`npm run build`, then this): speed, footprint and control quality of the
 * shipped build (dist/), each figure beside a reference measured the same way in the same run.
 * Writes `bench-results.json` at the repository root and prints the table. Not part of `npm test`.
 * `-- --quick`: the same measurements with short windows, for development.
 *
 * Order (CPU figures never overlap anything heavy):
 *  1. start-up rounds (`node -e 0` / `terrarium run`), alone;
 *  2. the real-time window: `terrarium run` with 1 and 16 enclosures, the bare-node reference and
 *     the 4-enclosure lateness run, all near-idle, side by side (full: minutes 2-10);
 *  3. heavy work, one process at a time, while the 1-enclosure run and the bare node idle on for
 *     the RSS reading: simulation speed rounds, heap growth, control quality, fault to safe,
 *     telemetry drain, the cost of the http section (also on its own: test/bench/run-http-cost.ts);
 *  4. RSS of the 1-enclosure run and the bare node at 30 min (quick: at the end).
 */

function machine(): Record<string, unknown> {
  return { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}` };
}

/**
 * Simulated days per control-quality run that still let the heavy phase end before the RSS
 * reading (full method: 30 min after the real-time processes started, less 2 min for the last
 * two figures), at the wall speed the simulation-speed rounds just showed on this machine (a
 * busy shared machine slows it); between 1 and `plan.qualityDays`. Six runs: 3 profiles x 2.
 */
function qualityDaysThatFit(plan: BenchPlan, figures: readonly Figure[], realTimeStarted: number): number {
  if (plan.quick) return plan.qualityDays;
  const wall = (figures.find((f) => f.id === 'sim-speed-1')?.details?.wallSimulatedPerSecond as { median?: number } | undefined)?.median;
  if (!wall || !Number.isFinite(wall)) return plan.qualityDays;
  const leftS = (realTimeStarted + plan.rssAtS * 1000 - performance.now()) / 1000 - 120;
  const fit = Math.floor(leftS / ((6 * 86_400) / wall));
  const days = Math.max(1, Math.min(plan.qualityDays, fit));
  if (days < plan.qualityDays) process.stderr.write(`bench: control quality cut to ${days} simulated day(s) per run to end by the RSS reading (simulation at ${wall.toFixed(0)} simulated s per wall s)\n`);
  return days;
}

async function main(): Promise<void> {
  const plan = planFromArgs(process.argv.slice(2));
  const started = performance.now();
  const load: number[] = [loadavg()[0]];
  const dir = mkdtempSync(join(tmpdir(), 'terrarium-bench-'));
  const figures: Figure[] = [];
  try {
    const build = ensureDist();
    process.stderr.write(`bench: ${plan.quick ? 'QUICK mode' : 'full method'}; ${build}\n`);
    figures.push(...(await attempt('startup', 'start-up', '<= 150 ms', () => startupFigure(plan, dir))));
    process.stderr.write(`bench: real-time window (${plan.realTime.fromS}-${plan.realTime.toS} s after start)...\n`);
    let finish: (() => Promise<Figure[]>) | undefined;
    const realTimeStarted = performance.now();
    figures.push(
      ...(await attempt('cpu-per-tick', 'real-time window', '<= 0.5 ms', async () => {
        const phase = await realTimePhase(plan, dir);
        finish = phase.finish;
        return phase.figures;
      })),
    );
    load.push(loadavg()[0]);
    figures.push(...(await attempt('sim-speed-1', 'simulation speed', '>= 100,000', () => speedFigures(plan, dir))));
    figures.push(...(await attempt('leaks', 'heap growth', '<= 1 MB', () => leakFigure(plan, dir))));
    const days = qualityDaysThatFit(plan, figures, realTimeStarted);
    figures.push(...(await attempt('quality', 'control quality', '>= plain', () => qualityFigures({ ...plan, qualityDays: days }, dir))));
    figures.push(...(await attempt('fault-to-safe', 'fault to safe', '<= 1 tick', faultFigure)));
    figures.push(...(await attempt('telemetry-drain', 'telemetry drain', 'tick delay <= 50 ms', telemetryFigures)));
    figures.push(...(await attempt('http-rss', 'cost of http', '<= 15 MB, tick CPU unchanged', () => httpCostFigures(dir))));
    load.push(loadavg()[0]);
    if (finish) {
      if (!plan.quick) process.stderr.write(`bench: waiting for the ${plan.rssAtS / 60} min RSS reading...\n`);
      figures.push(...(await attempt('rss', 'RSS and tick lateness', '<= bare + 20 MB', finish)));
    } else {
      figures.push(failedFigure('rss', 'RSS', '<= bare node + 20 MB', new Error('the real-time phase failed')));
    }
    const order = ['sim-speed-1', 'sim-speed-16', 'cpu-per-tick', 'cpu-16', 'tick-lateness', 'rss', 'leaks', 'startup', 'quality-', 'fault-to-safe', 'telemetry-'];
    figures.sort((a, b) => order.findIndex((o) => a.id.startsWith(o)) - order.findIndex((o) => b.id.startsWith(o)));
    const out = {
      generatedAt: new Date().toISOString(),
      mode: plan.quick ? 'quick (development: short windows; not the method the targets are defined for)' : 'full',
      machine: { ...machine(), loadAverage1m: load },
      build,
      plan,
      wallSeconds: (performance.now() - started) / 1000,
      summary: { measured: figures.filter((f) => f.pass !== null).length, passed: figures.filter((f) => f.pass === true).length, failed: figures.filter((f) => f.pass === false).map((f) => f.id) },
      figures,
    };
    writeFileSync(join(REPO, 'bench-results.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${table(figures)}\n\n${out.mode}; machine: ${JSON.stringify(out.machine)}; ${out.wallSeconds.toFixed(0)} s; written bench-results.json\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
