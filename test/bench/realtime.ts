import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryStatusSocket } from '../../src/app/status-server.js';
import { fourEnclosuresThreeSensors, REPO, simulatedRaw, withEnclosures, writeConfig } from './configs.js';
import { type BenchPlan, windowWords } from './plan.js';
import { cpuOf, DIST_MAIN, type ProbedProcess, type ProbeSample, runChild, startProbed } from './procs.js';
import { failedFigure, type Figure, figure } from './results.js';
import { summary } from './stats.js';

/** Bytes per MB (MiB, as /proc and process.memoryUsage count). */
export const MB = 1024 * 1024;
const BARE = join(REPO, 'test', 'bench', 'bare-node.mjs');

/** What child-lateness.mjs prints. */
interface Lateness {
  /** True when measured by the tick loop's own timing hook (due/ended), false when estimated from completions. */
  exact: boolean;
  /** p99 of (tick start - due), exact mode only. */
  startP99Ms: number | null;
  ticks: number;
  periodMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  perMinuteP99Ms: number[];
  overruns: number;
  maxIntervalMs: number;
  cpuMsPerSecond: number;
  ds18b20ReadMs: number;
  stall: null | { supported: false } | { supported: true; bus: number; seconds: number; ticks: number; p99Ms: number; maxMs: number; staleAfterSeconds: number; secondsToStale: number | null; heaterReasonAtStale: string | null; heaterReasonAtEnd: string | null; fallbackTicks: number };
  enclosures: number;
  sensors: number;
}

/** The real-time phase once its CPU window is over: the long run goes on for the RSS figure. */
export interface RealTimePhase {
  /** CPU per tick (1 enclosure) and CPU per second (16 enclosures). */
  figures: Figure[];
  /** Waits until `plan.rssAtS` (quick: now), then RSS and tick-lateness figures; stops everything. */
  finish(): Promise<Figure[]>;
}

async function statusTicks(stateDir: string): Promise<number | null> {
  try {
    return ((await queryStatusSocket(join(stateDir, 'terrarium.sock'), { cmd: 'status' })) as { ticks: number }).ticks;
  } catch {
    return null;
  }
}

function alive(p: ProbedProcess, what: string): void {
  if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${what} exited (${p.child.exitCode ?? p.child.signalCode}): ${p.stderr.slice(-5).join(' | ')}`);
}

/**
 * Starts, side by side, four near-idle processes of the shipped build and measures the CPU window
 * (`plan.realTime`): (A) `terrarium run --simulate` on the shipped 1-enclosure config, (B) the
 * bare-node reference (bare-node.mjs), (C) `terrarium run --simulate` with 16 enclosures,
 * (D) child-lateness.mjs with 4 enclosures of a BME280 and two DS18B20 each. Each costs a few ms
 * of CPU per second, so they do not compete for the 2 cores; nothing heavy runs during the window.
 * CPU comes from the preloaded probe (SIGUSR2) at every sub-window boundary. C and D end with the
 * window; A and B go on until the RSS reading.
 */
export async function realTimePhase(plan: BenchPlan, dir: string): Promise<RealTimePhase> {
  const { fromS, toS, subS } = plan.realTime;
  const words = windowWords(fromS, toS);
  const raw = simulatedRaw();
  const periodMs = raw.controller.tickMs as number;
  const fileA = writeConfig(raw, dir, 'rt-1');
  const fileC = writeConfig(withEnclosures(simulatedRaw(), 16), dir, 'rt-16');
  const fileD = writeConfig(fourEnclosuresThreeSensors(simulatedRaw()), dir, 'rt-lateness');
  const t0 = performance.now();
  const A = startProbed([DIST_MAIN, 'run', '--simulate', '--config', fileA]);
  const B = startProbed([BARE]);
  const C = startProbed([DIST_MAIN, 'run', '--simulate', '--config', fileC]);
  const L = plan.lateness;
  const lateWords = windowWords(L.fromS, L.stallFromS ?? L.toS);
  const D = runChild<Lateness>('child-lateness.mjs', [fileD, String(L.fromS), String(L.toS), ...(L.stallFromS !== undefined ? [String(L.stallFromS), String(L.stallToS)] : [])]);
  D.catch(() => undefined);
  const at = (s: number): Promise<void> => sleep(Math.max(0, t0 + s * 1000 - performance.now()));
  const rssSeries: Array<{ s: number; a: number; b: number }> = [];
  const rssTimer = setInterval(() => {
    try {
      rssSeries.push({ s: Math.round((performance.now() - t0) / 1000), a: A.rss() / MB, b: B.rss() / MB });
    } catch {
      /* a process that ended is reported by alive() */
    }
  }, subS * 1000);

  await at(fromS - Math.min(5, subS / 2));
  const ticksFrom = await statusTicks(join(dir, 'rt-1-state'));
  const samples: Array<{ t: number; a: ProbeSample; b: ProbeSample; c: ProbeSample }> = [];
  for (let s = fromS; s <= toS; s += subS) {
    await at(s);
    for (const [p, w] of [
      [A, 'terrarium run (1 enclosure)'],
      [B, 'bare node'],
      [C, 'terrarium run (16 enclosures)'],
    ] as const)
      alive(p, w);
    const t = performance.now();
    const [a, b, c] = await Promise.all([A.probe(), B.probe(), C.probe()]);
    samples.push({ t, a, b, c });
  }
  const windowRss = { oneMB: A.rss() / MB, bareMB: B.rss() / MB, sixteenMB: C.rss() / MB };
  const ticksTo = await statusTicks(join(dir, 'rt-1-state'));
  await C.stop();

  const perTickA: number[] = [];
  const perSecB: number[] = [];
  const perSecC: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = (samples[i].t - samples[i - 1].t) / 1000;
    perTickA.push((cpuOf(samples[i].a) - cpuOf(samples[i - 1].a)) / ((dt * 1000) / periodMs));
    perSecB.push((cpuOf(samples[i].b) - cpuOf(samples[i - 1].b)) / dt);
    perSecC.push((cpuOf(samples[i].c) - cpuOf(samples[i - 1].c)) / dt);
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const wholeA = ticksFrom !== null && ticksTo !== null ? (cpuOf(last.a) - cpuOf(first.a)) / (ticksTo - ticksFrom) : null;
  const bare = summary(perSecB);
  const bareRef = { name: 'bare node woken by a 1 s timer (bare-node.mjs), CPU per wake-up', value: bare.median, unit: 'ms CPU', stats: bare };
  const side = 'Measured side by side with the bare-node reference, a 16-enclosure run and the 4-enclosure lateness run (each a few ms of CPU per second, so they do not compete for the 2 cores); nothing heavy runs during the window.';
  const mode = plan.quick ? ' QUICK MODE: a shorter window than the method defines (minutes 2-10); for development only.' : '';
  const cpu1 = summary(perTickA);
  const cpu16 = summary(perSecC);
  const figures = [
    figure({
      id: 'cpu-per-tick',
      name: `real time: CPU per tick, 1 enclosure, ${words}`,
      value: cpu1.median,
      unit: 'ms CPU',
      stats: cpu1,
      reference: bareRef,
      target: '<= 0.5 ms CPU per tick',
      targetSpec: { op: '<=', limit: 0.5, of: 'value' },
      method: `\`node dist/src/cli/main.js run --simulate\` on config/simulated.json (1 enclosure, 1 s ticks), real time. CPU = process.cpuUsage() (user + system, every thread) read by a preloaded probe at the start and end of each ${subS} s sub-window of ${words} after start (JIT warm-up and start-up excluded); per sub-window CPU / ticks due in it (the tick loop holds a fixed 1 s grid). Value: median over the ${cpu1.n} sub-windows (the rounds); the reference is measured the same way in the same window. ${side}${mode}`,
      details: { wholeWindowMsPerTick: wholeA, ticksInWindow: ticksFrom !== null && ticksTo !== null ? ticksTo - ticksFrom : null, rssAtWindowEndMB: windowRss },
    }),
    figure({
      id: 'cpu-16',
      name: `real time: CPU per second, 16 enclosures, ${words}`,
      value: cpu16.median,
      unit: 'ms CPU/s',
      stats: cpu16,
      reference: { ...bareRef, name: 'bare node woken by a 1 s timer, CPU per second', unit: 'ms CPU/s' },
      target: '<= 3 ms CPU per second',
      targetSpec: { op: '<=', limit: 3, of: 'value' },
      method: `\`node dist/src/cli/main.js run --simulate\` with 16 copies of the simulated gecko enclosure (each on its own I2C bus with a BME280, a DS18B20, the heater on a GPIO line, lights and feeder on its PCA9685; no mister, fan or float switch: the Pi header has 28 lines), 1 s ticks, real time. CPU per second of each ${subS} s sub-window of ${words} (probe as for the 1-enclosure figure). Value: median over the ${cpu16.n} sub-windows. ${side}${mode}`,
    }),
  ];

  return {
    figures,
    async finish(): Promise<Figure[]> {
      const out: Figure[] = [];
      const rssAt = plan.quick ? (performance.now() - t0) / 1000 : plan.rssAtS;
      await at(rssAt);
      clearInterval(rssTimer);
      try {
        alive(A, 'terrarium run (1 enclosure)');
        alive(B, 'bare node');
        const ours = A.rss() / MB;
        const ref = B.rss() / MB;
        const minutes = Math.round(rssAt / 60);
        out.push(
          figure({
            id: 'rss',
            name: `RSS after ${minutes} min, 1 enclosure`,
            value: ours,
            unit: 'MB',
            reference: { name: 'bare node woken by a 1 s timer, same moment', value: ref, unit: 'MB' },
            ratio: null,
            target: '<= bare node + 20 MB (after 30 min)',
            targetSpec: { op: '<=', limit: 20, of: 'value - reference' },
            method: `VmRSS from /proc/<pid>/status of \`terrarium run --simulate\` (config/simulated.json) and of the bare-node reference, both started at the same moment and read at the same moment, ${minutes} min later.${plan.quick ? ` QUICK MODE: read after ${minutes} min, not the 30 min the target is defined for.` : ''} Between minute 10 and the reading the heavy measurements run beside them (they do not change what either process allocates).`,
            details: { excessMB: ours - ref, series: rssSeries },
          }),
        );
      } catch (e) {
        out.push(failedFigure('rss', 'RSS after 30 min', '<= bare node + 20 MB', e));
      } finally {
        await A.stop();
      }
      B.child.kill('SIGTERM');
      await B.exited();
      await sleep(50);
      try {
        const d = await D;
        const b = JSON.parse(B.stdout[B.stdout.length - 1] ?? '{}') as { at?: number[]; late?: number[] };
        const inWindow = (b.late ?? []).filter((_, i) => (b.at?.[i] ?? 0) >= L.fromS * 1000 && (b.at?.[i] ?? 0) < (L.stallFromS ?? L.toS) * 1000);
        const floor = d.exact ? 0 : Math.min(...inWindow);
        const rel = inWindow.map((x) => x - floor).sort((x, y) => x - y);
        const bareP99 = rel.length ? rel[Math.min(rel.length - 1, Math.ceil(0.99 * rel.length) - 1)] : Number.NaN;
        const timing = d.ds18b20ReadMs >= 90 ? `the simulator models device timing (one DS18B20 read took ${d.ds18b20ReadMs.toFixed(0)} ms)` : `the simulator in this build does NOT model device timing (one DS18B20 read took ${d.ds18b20ReadMs.toFixed(1)} ms, a real one ~750 ms), so this shows the loop's own punctuality, not real-device waits`;
        out.push(
          figure({
            id: 'tick-lateness',
            name: `tick lateness p99, 4 enclosures x (BME280 + 2 DS18B20), ${lateWords}`,
            value: d.p99Ms,
            unit: 'ms',
            stats: d.perMinuteP99Ms.length ? summary(d.perMinuteP99Ms) : undefined,
            reference: { name: 'bare node 1 s timer on a fixed grid, lateness p99, same window', value: bareP99, unit: 'ms' },
            target: '<= 50 ms p99',
            targetSpec: { op: '<=', limit: 50, of: 'value' },
            method: `The real Controller from dist/ on the simulated hardware in real time (SystemClock; child-lateness.mjs), 4 copies of the gecko enclosure each with a BME280 and two DS18B20 (test/bench/configs.ts), 1 s ticks. ${
              d.exact
                ? "Lateness of a tick = the monotonic time it ended (decisions applied) - the time it was due, from the tick loop's own timing hook; the bare-node reference: its timer's wake-up - due time on the same kind of fixed grid."
                : "Lateness of a tick = completion time - due time on the tick loop's fixed grid (a tick after an overrun is due at the first grid point after it), the grid placed so the most punctual tick of the window is 0 (this build has no tick timing hook); the bare-node reference is treated the same way."
            } p99 over the ${d.ticks} ticks of ${lateWords}; stats are per-minute p99s. ${timing}.${mode}`,
            details: d as unknown as Record<string, unknown>,
          }),
        );
        const st = d.stall;
        if (st && st.supported) {
          const staleOk = st.secondsToStale !== null && st.secondsToStale <= st.staleAfterSeconds + 2;
          out.push(
            figure({
              id: 'tick-lateness-stall',
              name: `tick lateness p99 while one I2C bus hangs for ${Math.round(st.seconds / 60)} min`,
              value: st.p99Ms,
              unit: 'ms',
              reference: { name: 'the same run before the stall (p99)', value: d.p99Ms, unit: 'ms' },
              target: '<= 50 ms p99, and the stalled sensor stale within its stale limit',
              targetSpec: { op: '<=', limit: 50, of: 'value' },
              pass: staleOk,
              method: `The same run as the tick-lateness figure: the first enclosure's I2C bus (bus ${st.bus}: its BME280 and PCA9685) hangs as with SDA held low (SimI2cBus.setStalled) for ${st.seconds.toFixed(0)} s from ${windowWords(L.stallFromS ?? 0, L.stallToS ?? 0).replace('minutes', 'minute')}; p99 lateness of all ${st.ticks} ticks meanwhile (one tick loop decides for every enclosure). Stale check: seconds from the stall to the first tick whose snapshot of that enclosure no longer has an ok humidity (the BME280 is its only humidity sensor) must be <= staleAfterSeconds (${st.staleAfterSeconds} s) + 2 s.`,
              note: `stale after ${st.secondsToStale === null ? 'never (during the stall)' : `${st.secondsToStale.toFixed(1)} s`}; heater then: "${st.heaterReasonAtStale ?? '-'}"; at the end of the stall: "${st.heaterReasonAtEnd ?? '-'}" (${st.fallbackTicks} ticks with a fallback reason).`,
              details: st as unknown as Record<string, unknown>,
            }),
          );
        } else if (st) {
          out.push(failedFigure('tick-lateness-stall', 'tick lateness while one I2C bus hangs', '<= 50 ms p99', new Error('this build\'s simulated I2C bus cannot stall (no setStalled)')));
        }
      } catch (e) {
        out.push(failedFigure('tick-lateness', 'tick lateness p99, 4 enclosures', '<= 50 ms p99', e));
      }
      return out;
    },
  };
}
