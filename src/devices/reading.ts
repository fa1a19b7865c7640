import type { Quantity } from '../drivers/types.js';

/**
 * Quality of a reading:
 * - `ok`: fresh and plausible;
 * - `stale`: the last good value is older than the sensor's `staleAfterSeconds`;
 * - `implausible`: out of the plausibility range, or stuck (same raw value for N minutes; `reason` says which);
 * - `missing`: never read successfully.
 */
export type Quality = 'ok' | 'stale' | 'implausible' | 'missing';

/** The latest known value of one quantity from one sensor. */
export interface Reading {
  sensorId: string;
  quantity: Quantity;
  /** Value in the quantity's unit (°C, %RH, Pa); `null` when `missing`. */
  value: number | null;
  /** Wall-clock time of the sample, ms since epoch; `null` when `missing`. */
  at: number | null;
  quality: Quality;
  /** Why the quality is not `ok` (e.g. `stuck for 30 min`, `no sample for 75 s`). */
  reason?: string;
}

/** Readings of one enclosure at a tick: sensor id -> quantity -> reading. */
export type ReadingsBySensor = Record<string, Partial<Record<Quantity, Reading>>>;
