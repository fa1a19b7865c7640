import { type RecordableHistogram, createHistogram } from 'node:perf_hooks';
import type { TickTimingFigures } from './types.js';

/**
 * Default verdict criterion: p99 tick lateness at most 50 ms (the controller's target for its tick
 * period on real device timing: a decision at most 50 ms late in 99 ticks of 100).
 */
export const DEFAULT_P99_LATENESS_MAX_MS = 50;

/** Histogram range: 1 µs to 1 day, 3 significant digits (Node's HDR histogram, `perf_hooks.createHistogram`). */
const HIGHEST_US = 86_400_000_000;

/**
 * Tick lateness and duration over a run, in constant memory: each tick's lateness (start minus due
 * time, see `TickTiming` in the tick loop) and duration (end minus start) go into an HDR histogram
 * of microseconds (Node's built-in `perf_hooks.createHistogram`, 3 significant digits), so p50/p99
 * are within 0.1 % (never above the maximum), and the maximum is kept exactly. Histograms record values >= 1, so each value is stored as
 * µs + 1 and read back minus 1.
 */
export class TickTimingStats {
  private readonly lateness: RecordableHistogram = createHistogram({ lowest: 1, highest: HIGHEST_US, figures: 3 });
  private readonly duration: RecordableHistogram = createHistogram({ lowest: 1, highest: HIGHEST_US, figures: 3 });
  private ticks = 0;
  private overruns = 0;
  private skipped = 0;
  private maxLate = 0;
  private maxTook = 0;

  /**
   * @param periodMs the tick period, ms
   * @param p99LatenessMaxMs verdict criterion (default {@link DEFAULT_P99_LATENESS_MAX_MS})
   */
  constructor(
    readonly periodMs: number,
    private readonly p99LatenessMaxMs = DEFAULT_P99_LATENESS_MAX_MS,
  ) {}

  /** One tick, monotonic ms. */
  add(t: { dueAt: number; startedAt: number; endedAt: number }): void {
    const late = Math.max(0, t.startedAt - t.dueAt);
    const took = Math.max(0, t.endedAt - t.startedAt);
    this.ticks++;
    if (late > this.maxLate) this.maxLate = late;
    if (took > this.maxTook) this.maxTook = took;
    this.lateness.record(Math.min(HIGHEST_US, Math.round(late * 1000)) + 1);
    this.duration.record(Math.min(HIGHEST_US, Math.round(took * 1000)) + 1);
    if (took > this.periodMs) this.overruns++;
    this.skipped += Math.floor(late / this.periodMs);
  }

  /** The figures, `null` before the first tick. Milliseconds, rounded to the µs. */
  result(): TickTimingFigures | null {
    if (this.ticks === 0) return null;
    // The histogram reports a bucket's highest equivalent value: never above the true maximum.
    const ms = (h: RecordableHistogram, q: number, max: number): number => Math.min(max, Math.max(0, h.percentile(q) - 1) / 1000);
    const lateness = { p50: ms(this.lateness, 50, this.maxLate), p99: ms(this.lateness, 99, this.maxLate), max: this.maxLate };
    return {
      periodMs: this.periodMs,
      ticks: this.ticks,
      lateness,
      duration: { p50: ms(this.duration, 50, this.maxTook), p99: ms(this.duration, 99, this.maxTook), max: this.maxTook },
      overruns: this.overruns,
      skippedPeriods: this.skipped,
      criterion: { p99LatenessMaxMs: this.p99LatenessMaxMs },
      holds: lateness.p99 <= this.p99LatenessMaxMs,
    };
  }
}
