import type { ActuatorSnapshot } from '../../src/control/snapshot.js';
import type { ActuatorMetrics, QualityMetrics, SafetyViolation } from './types.js';

/**
 * Running accumulators for the report's figures: O(1) memory per quantity, no allocation per tick.
 * Every tick weighs the same (ticks are periodic in monotonic time; wall time may jump in
 * clock-jump scenarios, so durations are ticks x tick length, never wall differences).
 */

/** Time in band, RMS error and worst excursions of one quantity. */
export class BandStats {
  private ticks = 0;
  private inBand = 0;
  private sumSquares = 0;
  private above = 0;
  private below = 0;

  /**
   * Adds one tick. `error` is signed (value - reference, 0 inside a range); `inBand` whether the
   * value counts as in band; `above`/`below` the excursions past the reference, >= 0.
   */
  add(error: number, inBand: boolean, above: number, below: number): void {
    this.ticks++;
    if (inBand) this.inBand++;
    this.sumSquares += error * error;
    if (above > this.above) this.above = above;
    if (below > this.below) this.below = below;
  }

  /** Adds a temperature tick: band is |value - setpoint| <= halfBand; error vs setpoint. */
  addAroundSetpoint(value: number, setpoint: number, halfBand: number): void {
    const e = value - setpoint;
    this.add(e, Math.abs(e) <= halfBand, e > 0 ? e : 0, e < 0 ? -e : 0);
  }

  /** Adds a humidity tick: band is [min, max]; error is the distance to the nearest edge (0 inside). */
  addInRange(value: number, min: number, max: number): void {
    const above = value > max ? value - max : 0;
    const below = value < min ? min - value : 0;
    this.add(above - below, above === 0 && below === 0, above, below);
  }

  result(): QualityMetrics {
    return {
      timeInBandPct: this.ticks ? (100 * this.inBand) / this.ticks : 0,
      rmsError: this.ticks ? Math.sqrt(this.sumSquares / this.ticks) : 0,
      maxAbove: this.above,
      maxBelow: this.below,
    };
  }
}

/** On-time and off -> on cycles of one actuator. The previous state survives {@link resetCounts}. */
export class ActuatorStats {
  private ticks = 0;
  private onTicks = 0;
  private cycles = 0;
  private wasOn: boolean | null = null;

  constructor(readonly kind: ActuatorSnapshot['kind']) {}

  add(on: boolean): void {
    this.ticks++;
    if (on) this.onTicks++;
    if (on && this.wasOn === false) this.cycles++;
    this.wasOn = on;
  }

  /** Starts counting afresh (end of warm-up) while remembering whether it is on now. */
  resetCounts(): void {
    this.ticks = 0;
    this.onTicks = 0;
    this.cycles = 0;
  }

  result(tickSeconds: number): ActuatorMetrics {
    const hours = (this.ticks * tickSeconds) / 3600;
    return {
      kind: this.kind,
      cycles: this.cycles,
      onTimePct: this.ticks ? (100 * this.onTicks) / this.ticks : 0,
      cyclesPerHour: hours > 0 ? this.cycles / hours : 0,
    };
  }
}

/** Collects the intervals in which one condition (e.g. air above the absolute max) holds. */
export class ViolationTracker {
  private open: { from: number; worst: number; limit: number; ticks: number } | null = null;
  private readonly closed: SafetyViolation[] = [];

  /**
   * @param kind what the condition means
   * @param higherIsWorse true for over- limits (worst = max), false for under- (worst = min)
   * @param limitName the configuration key of the limit, e.g. `safety.maxC`
   * @param node the true quantity watched, e.g. `air`
   */
  constructor(
    private readonly kind: SafetyViolation['kind'],
    private readonly higherIsWorse: boolean,
    private readonly limitName?: string,
    private readonly node?: string,
  ) {}

  /** One tick at wall ms `at`: `value` against `limit`. */
  add(at: number, value: number, limit: number, tickSeconds: number): void {
    const violated = this.higherIsWorse ? value > limit : value < limit;
    if (violated) {
      if (!this.open) this.open = { from: at, worst: value, limit, ticks: 0 };
      this.open.ticks++;
      if (this.higherIsWorse ? value > this.open.worst : value < this.open.worst) this.open.worst = value;
    } else if (this.open) {
      this.close(at, tickSeconds);
    }
  }

  /** Closes an interval still open at the end of the run (`endAt`: the end of the last tick). */
  finish(endAt: number, tickSeconds: number): SafetyViolation[] {
    const done = [...this.closed];
    if (this.open) done.push(this.toViolation(this.open, endAt, tickSeconds));
    return done;
  }

  private close(at: number, tickSeconds: number): void {
    if (this.open) this.closed.push(this.toViolation(this.open, at, tickSeconds));
    this.open = null;
  }

  private toViolation(o: { from: number; worst: number; limit: number; ticks: number }, to: number, tickSeconds: number): SafetyViolation {
    return {
      kind: this.kind,
      from: o.from,
      to,
      worst: o.worst,
      limit: o.limit,
      seconds: o.ticks * tickSeconds,
      ...(this.limitName === undefined ? {} : { limitName: this.limitName }),
      ...(this.node === undefined ? {} : { node: this.node }),
    };
  }
}
