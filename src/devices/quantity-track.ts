import { type Quantity, UNITS } from '../drivers/types.js';
import { median } from '../resilience/median.js';
import { ImplausibleValueError } from './errors.js';
import type { Reading } from './reading.js';

/** Plausible values of one quantity, inclusive, in its unit (°C, %RH, Pa). */
export interface PlausibleRange {
  min: number;
  max: number;
}

interface Stored {
  /** Reported value (median of the window when median-of-N is on), unit of the quantity. */
  value: number;
  /** Wall ms. */
  at: number;
  /** Monotonic ms. */
  mono: number;
  implausible: ImplausibleValueError | null;
}

/**
 * Resolution of a 12-bit DS18B20, °C (Maxim DS18B20 datasheet, "Operation - Measuring
 * Temperature": 0.0625 °C). A sensor that has only ever reported multiples of it is such a
 * quantised probe: in a stable enclosure it shows the same value for hours (its noise is far below
 * one step), so an unchanged value is no sign of a frozen sensor. Its freezing is judged by
 * cross-checks with neighbouring sensors and the enclosure model instead; the unchanged-value
 * check stays for sensors with a finer output (BME280: 0.01 °C), whose frozen registers it catches.
 */
const QUANTUM_16 = 0.0625;

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

/**
 * The sample history of one quantity of one sensor: the median window, the last sample, the last
 * plausible sample, and since when the raw value has not changed (stuck detection). Used by
 * `SensorComponent`; quality is judged from the stored monotonic timestamps at read time.
 */
export class QuantityTrack {
  private readonly window: { value: number; mono: number }[] = [];
  private last: Stored | null = null;
  private lastGood: Stored | null = null;
  private raw: number | null = null;
  private rawSince = 0;
  /**
   * The last fresh (not stale) reading built, reused until the next sample: quality `ok` or
   * `implausible` (range, stuck) depends on the samples only, and staleness is checked first.
   */
  private fresh: Reading | null = null;
  /** Every raw sample so far lay on the 1/16 grid ({@link QUANTUM_16}). */
  private onGrid = true;

  /**
   * Adds one raw sample taken at wall `at` / monotonic `mono`. The reported value is the median of
   * the last `medianOf` raw samples no older than `windowMs` (the raw value when `medianOf` is 1 or
   * only one sample is in the window). Returns an {@link ImplausibleValueError} when the reported
   * value is outside `range` (it is still stored, as `implausible`), else null.
   */
  add(
    sensorId: string,
    quantity: Quantity,
    raw: number,
    at: number,
    mono: number,
    opts: { range: PlausibleRange; medianOf: number; windowMs: number },
  ): ImplausibleValueError | null {
    if (this.raw === null || raw !== this.raw) {
      this.raw = raw;
      this.rawSince = mono;
    }
    this.fresh = null;
    if (this.onGrid && !Number.isInteger(raw / QUANTUM_16)) this.onGrid = false;
    const n = Math.max(1, Math.floor(opts.medianOf));
    // In place (this runs for every sample): drop samples older than the window, append, keep the last n.
    const w = this.window;
    let kept = 0;
    for (let i = 0; i < w.length; i++) if (mono - w[i].mono <= opts.windowMs) w[kept++] = w[i];
    w.length = kept;
    w.push({ value: raw, mono });
    if (w.length > n) w.splice(0, w.length - n);
    const value = n > 1 ? median(w.map((p) => p.value)) : raw;
    const implausible = value < opts.range.min || value > opts.range.max ? new ImplausibleValueError(sensorId, quantity, value, opts.range) : null;
    this.last = { value, at, mono, implausible };
    if (!implausible) this.lastGood = this.last;
    return implausible;
  }

  /**
   * How long the raw value has been the same, between its first and latest sighting, ms; always 0
   * on a quantised probe ({@link QUANTUM_16}), where an unchanged value is no evidence of a fault.
   */
  unchangedForMs(): number {
    return this.last && !this.onGrid ? this.last.mono - this.rawSince : 0;
  }

  /**
   * The reading at monotonic `nowMono`:
   * - `missing`: no sample ever;
   * - `stale`: the latest sample is older than `staleAfterMs` (value and time of the last plausible
   *   sample, if any);
   * - `implausible`: the latest sample is out of range, or the raw value has been unchanged for at
   *   least `stuckAfterMs` (> 0) of sampling (`reason` says `stuck …`), except on a quantised
   *   probe ({@link QUANTUM_16});
   * - `ok` otherwise.
   * A fresh reading is one shared, read-only object until the next sample; `sensorId`, `quantity`
   * and `stuckAfterMs` are the same on every call for one track.
   */
  reading(sensorId: string, quantity: Quantity, nowMono: number, staleAfterMs: number, stuckAfterMs: number): Reading {
    const last = this.last;
    if (!last) return { sensorId, quantity, value: null, at: null, quality: 'missing', reason: 'no sample yet' };
    if (nowMono - last.mono > staleAfterMs) {
      const shown = this.lastGood ?? last;
      const what = this.lastGood ? 'no good sample' : 'no sample';
      return { sensorId, quantity, value: shown.value, at: shown.at, quality: 'stale', reason: `${what} for ${seconds(nowMono - shown.mono)} s (stale after ${seconds(staleAfterMs)} s)` };
    }
    // The usual tick: no new sample since the last call and still fresh: the same reading.
    if (this.fresh === null) this.fresh = this.freshReading(sensorId, quantity, last, stuckAfterMs);
    return this.fresh;
  }

  /** The reading of a sample that is not stale: `implausible` (range or stuck) or `ok`. */
  private freshReading(sensorId: string, quantity: Quantity, last: Stored, stuckAfterMs: number): Reading {
    const { value, at } = last;
    if (last.implausible) {
      const { min, max } = last.implausible.range;
      return { sensorId, quantity, value, at, quality: 'implausible', reason: `out of plausible range ${min}..${max} ${UNITS[quantity]}` };
    }
    const unchanged = this.unchangedForMs();
    if (stuckAfterMs > 0 && unchanged >= stuckAfterMs) {
      return { sensorId, quantity, value, at, quality: 'implausible', reason: `stuck at ${this.raw} ${UNITS[quantity]} for ${Math.round(unchanged / 60_000)} min` };
    }
    return { sensorId, quantity, value, at, quality: 'ok' };
  }
}
