import type { ActuatorSnapshot, EnclosureSnapshot } from '../../src/control/snapshot.js';
import type { EnclosureSeries } from './types.js';

/** One output's on-ticks in the bucket in progress; the recorder counts into it (see {@link SeriesBuilder.column}). */
export interface ActuatorColumn {
  kind: ActuatorSnapshot['kind'];
  onTicks: number;
  onFraction: number[];
}

/**
 * Downsamples one enclosure's ticks into buckets of `bucketMs` wall ms (min, max and mean per
 * bucket), so memory grows with simulated time / bucket, not with ticks: a 7-day run at the
 * default 1-minute bucket keeps 10 080 points, whatever the tick rate.
 */
export class SeriesBuilder {
  private readonly s: EnclosureSeries;
  private readonly columns = new Map<string, ActuatorColumn>();
  private key = Number.NaN;
  private n = 0;
  private airMin = 0;
  private airMax = 0;
  private airSum = 0;
  private humMin = 0;
  private humMax = 0;
  private humSum = 0;
  private setpointSum = 0;
  private lightSum = 0;
  private last: EnclosureSnapshot | null = null;

  constructor(readonly bucketMs: number) {
    this.s = {
      bucketMs,
      t: [],
      airMin: [],
      airMax: [],
      airMean: [],
      humidityMin: [],
      humidityMax: [],
      humidityMean: [],
      setpointC: [],
      humidityMinPct: [],
      humidityMaxPct: [],
      limitMinC: [],
      limitMaxC: [],
      limitMaxHumidityPct: [],
      lightLevel: [],
      actuators: {},
    };
  }

  /**
   * Adds one tick: the snapshot's setpoints and limits with the true air state. Call it before
   * counting this tick's outputs into their {@link column}s (it closes the previous bucket).
   */
  add(snap: EnclosureSnapshot, airC: number, humidityPct: number): void {
    const key = Math.floor(snap.at / this.bucketMs);
    if (key !== this.key) {
      this.flush();
      this.key = key;
      this.airMin = this.airMax = airC;
      this.humMin = this.humMax = humidityPct;
    }
    this.n++;
    if (airC < this.airMin) this.airMin = airC;
    if (airC > this.airMax) this.airMax = airC;
    if (humidityPct < this.humMin) this.humMin = humidityPct;
    if (humidityPct > this.humMax) this.humMax = humidityPct;
    this.airSum += airC;
    this.humSum += humidityPct;
    this.setpointSum += snap.setpointC;
    this.lightSum += snap.lightLevel;
    this.last = snap;
  }

  /** The on-tick counter of output `id`, created on first use (zeros for the buckets before it). */
  column(id: string, kind: ActuatorSnapshot['kind']): ActuatorColumn {
    let col = this.columns.get(id);
    if (!col) {
      col = { kind, onTicks: 0, onFraction: new Array<number>(this.s.t.length).fill(0) };
      this.columns.set(id, col);
      this.s.actuators[id] = { kind, onFraction: col.onFraction };
    }
    return col;
  }

  /** The series so far, including the bucket in progress. */
  result(): EnclosureSeries {
    this.flush();
    return this.s;
  }

  /** Number of complete buckets kept. */
  get length(): number {
    return this.s.t.length;
  }

  private flush(): void {
    const snap = this.last;
    if (this.n === 0 || !snap) return;
    const s = this.s;
    s.t.push(this.key * this.bucketMs);
    s.airMin.push(this.airMin);
    s.airMax.push(this.airMax);
    s.airMean.push(this.airSum / this.n);
    s.humidityMin.push(this.humMin);
    s.humidityMax.push(this.humMax);
    s.humidityMean.push(this.humSum / this.n);
    s.setpointC.push(this.setpointSum / this.n);
    s.humidityMinPct.push(snap.humidityRange.minPct);
    s.humidityMaxPct.push(snap.humidityRange.maxPct);
    s.limitMinC.push(snap.limits.minC);
    s.limitMaxC.push(snap.limits.maxC);
    s.limitMaxHumidityPct.push(snap.limits.maxHumidityPct);
    s.lightLevel.push(this.lightSum / this.n);
    for (const col of this.columns.values()) {
      col.onFraction.push(col.onTicks / this.n);
      col.onTicks = 0;
    }
    this.n = 0;
    this.airSum = this.humSum = this.setpointSum = this.lightSum = 0;
    // A tick after result() in the same bucket starts a fresh point rather than mixing into a written one.
    this.key = Number.NaN;
  }
}
