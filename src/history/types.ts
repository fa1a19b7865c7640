import type { EnclosureMode } from '../control/types.js';

/**
 * One history point of one enclosure: what happened during one bucket (1 minute or 15 minutes).
 * Times are wall-clock ms since the Unix epoch (UTC); temperatures °C; humidity %RH.
 */
export interface HistoryPoint {
  /** Bucket start, wall ms. */
  t: number;
  /** Mean control temperature over the bucket, °C; `null` when no valid reading fell in it. */
  temperatureC: number | null;
  /** Lowest and highest control temperature seen in the bucket, °C (`null` as above). */
  minC: number | null;
  maxC: number | null;
  /** Mean relative humidity, %RH; `null` when none. */
  humidityPct: number | null;
  /** Active setpoint at the end of the bucket, °C (`null` before the first tick). */
  setpointC: number | null;
  /** Fraction of the bucket each output was on, 0..1, by actuator id. */
  outputs: Record<string, number>;
  /** The mode at the end of the bucket. */
  mode: EnclosureMode;
  /** The day phase at the end of the bucket (`day`, `night`, ...), as in the snapshot. */
  phase: string;
}

/** One event of one enclosure kept with the history (faults, fault cleared, feeds, mode changes, recoveries). */
export interface HistoryEvent {
  /** Wall ms. */
  t: number;
  enclosureId: string;
  /** `fault`, `fault-cleared`, `feed`, `feed-skipped`, `mode`, `recovery`, ... */
  type: string;
  /** One line a keeper can read. */
  text: string;
}

/** What the dashboard and `terrarium history` read. Reads never block a control tick for long (indexed queries). */
export interface HistoryReader {
  /**
   * Points of one enclosure with `fromMs <= t < toMs`, oldest first: 1-minute points when the
   * range starts within the 1-minute ring's retention and spans at most 2 days, 15-minute points
   * otherwise. Unknown enclosure: `[]`.
   */
  points(enclosureId: string, fromMs: number, toMs: number): HistoryPoint[];
  /** Events of one enclosure with `fromMs <= t < toMs`, newest first, at most `limit` (default 200). */
  events(enclosureId: string, fromMs: number, toMs: number, limit?: number): HistoryEvent[];
  /**
   * Resolves once every point and event recorded so far and already handed to the database is
   * readable (writes run in the background; a reader that must see the latest flush awaits this).
   */
  settled?(): Promise<void>;
}
