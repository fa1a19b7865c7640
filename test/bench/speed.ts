import { simulatedRaw, withEnclosures, writeConfig } from './configs.js';
import type { BenchPlan } from './plan.js';
import { runChild } from './procs.js';
import { type Figure, figure } from './results.js';
import { summary } from './stats.js';

/** What child-speed.mjs prints. */
interface Speed {
  simulatedSeconds: number;
  cpuMs: number;
  wallMs: number;
  enclosures: number;
}

/** Simulated seconds (per enclosure: enclosure-seconds) per CPU second. */
const perCpuSecond = (r: Speed): number => (r.simulatedSeconds * r.enclosures) / (r.cpuMs / 1000);

const hours = (s: number): string => (s % 3600 === 0 ? `${s / 3600} h` : `${s / 60} min`);

/**
 * Simulation speed: simulated seconds per CPU second for the reference enclosure (the shipped
 * simulated config, 1 s ticks) and per enclosure with 16 enclosures, beside the sensor floor (the
 * same simulated sensors read by the bare drivers). Rounds interleave floor, 1 and 16, each a
 * fresh `node` process of the shipped build; nothing else heavy runs meanwhile.
 */
export async function speedFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const f1 = writeConfig(simulatedRaw(), dir, 'speed-1');
  const f16 = writeConfig(withEnclosures(simulatedRaw(), 16), dir, 'speed-16');
  const floor: Speed[] = [];
  const one: Speed[] = [];
  const sixteen: Speed[] = [];
  for (let i = 0; i < plan.speedRounds; i++) {
    floor.push(await runChild<Speed>('child-speed.mjs', ['floor', f1, String(plan.floor.warmS), String(plan.floor.timedS)]));
    one.push(await runChild<Speed>('child-speed.mjs', ['sim', f1, String(plan.speed1.warmS), String(plan.speed1.timedS)]));
    sixteen.push(await runChild<Speed>('child-speed.mjs', ['sim', f16, String(plan.speed16.warmS), String(plan.speed16.timedS)]));
  }
  const fl = summary(floor.map(perCpuSecond));
  const ref = {
    name: 'sensor floor: the same simulated BME280 + DS18B20 read by the bare drivers, one set per simulated s',
    value: fl.median,
    unit: 'simulated s / CPU s',
    stats: fl,
  };
  const s1 = summary(one.map(perCpuSecond));
  const s16 = summary(sixteen.map(perCpuSecond));
  const common = `Each round a fresh \`node\` process of the shipped build (test/bench/child-speed.mjs) running runSimulation from dist/ (what \`terrarium simulate\` runs: Controller, supervisor, state document, SimWorld with register-level BME280 and its conversion wait, DS18B20 w1_slave text, GPIO relays, physics, and the report recorder) in virtual time, 1 s ticks. CPU = process.cpuUsage() (user + system, every thread) read in the tick callback at the end of the virtual warm-up and at the last timed tick, so start-up, warm-up (JIT) and the final report are excluded. ${plan.speedRounds} rounds interleaved with the reference and the other figure; value = median, stats = min/median/max. Reference: child-speed.mjs floor (bare drivers on the same SimWorld, ${hours(plan.floor.timedS)} timed after ${hours(plan.floor.warmS)} warm-up).${plan.quick ? ' QUICK MODE: shorter simulated windows.' : ''}`;
  return [
    figure({
      id: 'sim-speed-1',
      name: 'simulation speed, reference enclosure',
      value: s1.median,
      unit: 'simulated s / CPU s',
      stats: s1,
      reference: ref,
      target: '>= 100,000 simulated s per CPU s',
      targetSpec: { op: '>=', limit: 100_000, of: 'value' },
      method: `config/simulated.json (the gecko enclosure): ${hours(plan.speed1.timedS)} simulated timed after ${hours(plan.speed1.warmS)} warm-up. ${common}`,
      details: { wallSimulatedPerSecond: summary(one.map((r) => r.simulatedSeconds / (r.wallMs / 1000))), rounds: one },
    }),
    figure({
      id: 'sim-speed-16',
      name: 'simulation speed per enclosure, 16 enclosures',
      value: s16.median,
      unit: 'enclosure-s / CPU s',
      stats: s16,
      reference: ref,
      target: '>= 30,000 simulated s per CPU s per enclosure',
      targetSpec: { op: '>=', limit: 30_000, of: 'value' },
      method: `16 copies of the gecko enclosure (test/bench/configs.ts withEnclosures: own I2C bus each, heater on GPIO, lights and feeder on its PCA9685, no mister/fan/float: the Pi header has 28 lines): ${hours(plan.speed16.timedS)} simulated timed after ${hours(plan.speed16.warmS)} warm-up; value = simulated s x 16 / CPU s. ${common}`,
      details: { simulatedPerCpuSecond: summary(sixteen.map((r) => r.simulatedSeconds / (r.cpuMs / 1000))), rounds: sixteen },
    }),
  ];
}
