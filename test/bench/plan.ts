/**
 * How long and how often `npm run bench` measures. `full` is the method the figures are defined
 * by; `quick` (`npm run bench -- --quick`) is for development: same code paths, shorter windows
 * and fewer simulated days, and every figure it writes says so in its method.
 */
export interface BenchPlan {
  quick: boolean;
  /** Interleaved rounds of start-up (`node -e 0`, then `terrarium run`). */
  startupRounds: number;
  /** Real-time window, seconds after the processes started: [fromS, toS], split into `subS` sub-windows (the rounds). */
  realTime: { fromS: number; toS: number; subS: number };
  /**
   * Tick-lateness run (s after start): lateness over [fromS, stallFromS ?? toS); with a stall, the
   * first enclosure's I2C bus hangs over [stallFromS, stallToS] and the run ends at toS.
   */
  lateness: { fromS: number; toS: number; stallFromS?: number; stallToS?: number };
  /** RSS is read this long after the real-time processes started, s (quick: at the end of the run). */
  rssAtS: number;
  /** Interleaved rounds of the simulation speed (each measurement a fresh process). */
  speedRounds: number;
  /** Virtual warm-up and timed window, simulated s: 1 enclosure, 16 enclosures, the sensor floor. */
  speed1: { warmS: number; timedS: number };
  speed16: { warmS: number; timedS: number };
  floor: { warmS: number; timedS: number };
  /** Simulated days of the heap-growth figure. */
  leakDays: number;
  /** Simulated days of each control-quality run. */
  qualityDays: number;
}

export const FULL_PLAN: BenchPlan = {
  quick: false,
  startupRounds: 7,
  realTime: { fromS: 120, toS: 600, subS: 60 },
  lateness: { fromS: 120, toS: 600, stallFromS: 295, stallToS: 595 },
  rssAtS: 1800,
  speedRounds: 5,
  speed1: { warmS: 3600, timedS: 6 * 3600 },
  speed16: { warmS: 900, timedS: 1800 },
  floor: { warmS: 600, timedS: 2 * 3600 },
  leakDays: 7,
  qualityDays: 3,
};

export const QUICK_PLAN: BenchPlan = {
  quick: true,
  startupRounds: 5,
  realTime: { fromS: 30, toS: 90, subS: 10 },
  lateness: { fromS: 30, toS: 90 },
  rssAtS: 0,
  speedRounds: 5,
  speed1: { warmS: 600, timedS: 3600 },
  speed16: { warmS: 300, timedS: 600 },
  floor: { warmS: 600, timedS: 14_400 },
  leakDays: 2,
  qualityDays: 1,
};

/** `--quick` selects {@link QUICK_PLAN}; anything else unknown is an error. */
export function planFromArgs(argv: readonly string[]): BenchPlan {
  for (const a of argv) if (a !== '--quick') throw new Error(`unknown argument ${a} (usage: npm run bench [-- --quick])`);
  return argv.includes('--quick') ? QUICK_PLAN : FULL_PLAN;
}

/** "minutes 2-10" / "seconds 30-90" for a window in seconds. */
export function windowWords(fromS: number, toS: number): string {
  return fromS % 60 === 0 && toS % 60 === 0 ? `minutes ${fromS / 60}-${toS / 60}` : `seconds ${fromS}-${toS}`;
}
