import type { ActuatorSnapshot } from '../../src/control/snapshot.js';

/**
 * Shapes of the simulation report. In memory every time is wall ms
 * since epoch; `report.json` carries them as ISO 8601 strings (see `report-json.ts`).
 */

/** Control quality of one quantity. Units: °C for temperature, %RH for humidity. */
export interface QualityMetrics {
  /** Share of measured ticks inside the band, %. */
  timeInBandPct: number;
  /** Root mean square error: vs the active setpoint (temperature), vs the nearest band edge, 0 inside (humidity). */
  rmsError: number;
  /** Worst excursion above the setpoint (temperature) or above the band's top (humidity), >= 0. */
  maxAbove: number;
  /** Worst excursion below the setpoint (temperature) or below the band's bottom (humidity), >= 0. */
  maxBelow: number;
}

/** Use of one actuator, after warm-up. */
export interface ActuatorMetrics {
  kind: ActuatorSnapshot['kind'];
  /** Off -> on transitions. */
  cycles: number;
  /** Share of ticks on, %. */
  onTimePct: number;
  cyclesPerHour: number;
}

/** An event the caller hands to {@link SimRecorder.recordEvent}. Times are wall ms. */
export type RecorderEvent =
  | { type: 'fault'; kind: string; component: string; at: number; message?: string }
  | { type: 'feed'; actuatorId: string; at: number; reason: string }
  | { type: 'recovery'; component: string; detectedAt: number; recoveredAt: number; action?: string };

export interface FaultRecord {
  kind: string;
  component: string;
  at: number;
  message?: string;
}

export interface FeedRecord {
  actuatorId: string;
  at: number;
  reason: string;
}

export interface RecoveryRecord {
  component: string;
  detectedAt: number;
  recoveredAt: number;
  action?: string;
}

/**
 * An interval in which the true air was outside the profile's absolute limits. `from` is the
 * first tick outside, `to` the first tick back inside (or the end of the run); `worst` is the
 * highest (over-) or lowest (under-) value seen, in °C or %RH; `limit` the limit it broke.
 */
export interface SafetyViolation {
  kind: 'over-temperature' | 'under-temperature' | 'over-humidity';
  from: number;
  to: number;
  worst: number;
  limit: number;
  seconds: number;
}

/** Per-enclosure part of the report. */
export interface EnclosureReport {
  id: string;
  name: string;
  ticks: number;
  /**
   * Seconds from the start until the air first came within the temperature band; `null` if it
   * never did (then every quality figure covers the whole run).
   */
  warmUpSeconds: number | null;
  /** Wall ms of the first measured tick (end of warm-up), `null` if never warm. */
  measuredFrom: number | null;
  temperature: QualityMetrics;
  humidity: QualityMetrics;
  actuators: Record<string, ActuatorMetrics>;
  feeds: FeedRecord[];
  faults: FaultRecord[];
  recoveries: RecoveryRecord[];
  safetyViolations: SafetyViolation[];
}

/**
 * Downsampled time series of one enclosure for the chart: one entry per bucket of `bucketMs` of
 * wall time (columnar arrays of equal length). Temperatures °C, humidity %RH.
 */
export interface EnclosureSeries {
  bucketMs: number;
  /** Bucket start, wall ms. */
  t: number[];
  airMin: number[];
  airMax: number[];
  airMean: number[];
  humidityMin: number[];
  humidityMax: number[];
  humidityMean: number[];
  setpointC: number[];
  humidityMinPct: number[];
  humidityMaxPct: number[];
  limitMinC: number[];
  limitMaxC: number[];
  limitMaxHumidityPct: number[];
  /** Mean photoperiod light level 0..1. */
  lightLevel: number[];
  /** Share of the bucket's ticks each actuator was on, 0..1. */
  actuators: Record<string, { kind: ActuatorSnapshot['kind']; onFraction: number[] }>;
}

/** The whole report. `series` feeds the chart and is not written to `report.json`. */
export interface SimReport {
  /** IANA zone the chart and summary show local times in. */
  timezone: string;
  /** Wall ms of the first and last recorded tick. */
  startedAt: number;
  endedAt: number;
  /** Control ticks (per enclosure). */
  ticks: number;
  tickSeconds: number;
  simulatedSeconds: number;
  wallSeconds: number;
  /** Half-width of the temperature band, °C (±). */
  temperatureBandC: number;
  /** Anything the caller wants in the JSON: seed, config file, days, scenario. */
  meta: Record<string, unknown>;
  enclosures: EnclosureReport[];
  series: Record<string, EnclosureSeries>;
}
