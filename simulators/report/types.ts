import type { ActuatorSnapshot } from '../../src/control/snapshot.js';
import type { EnclosureMode } from '../../src/control/types.js';

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
  /** `mono`: monotonic ms of the feed since the simulation start (differs from wall after a clock step). */
  | { type: 'feed'; actuatorId: string; at: number; reason: string; mono?: number }
  | { type: 'recovery'; component: string; detectedAt: number; recoveredAt: number; action?: string };

export interface FaultRecord {
  kind: string;
  component: string;
  at: number;
  message?: string;
}

/** A fault with its attribution (see `attribution.ts`). */
export interface AttributedFault extends FaultRecord {
  /** Index (in the report's `injected` list) of the event that caused it, `null` if none. */
  event: number | null;
  /** Seconds from that event's start to the fault, `null` if none. */
  sinceEventSeconds: number | null;
  /** No injected event touched the component and the physics does not confirm it. */
  falseAlarm: boolean;
}

export interface FeedRecord {
  actuatorId: string;
  at: number;
  reason: string;
  /** Monotonic ms since the simulation start, when the caller knew it. */
  mono?: number;
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
  /** The configuration key of the limit (`safety.maxC`, `safety.minC`, `safety.maxHumidityPct`). */
  limitName?: string;
  /** The true quantity that broke it: `air` (°C) or `humidity` (%RH). */
  node?: string;
}

/** A maximum on a true node other than the air: `node` as in `trueRanges`, `limitName` the configuration key. */
export interface NodeLimit {
  node: string;
  limitName: string;
  maxC: number;
}

/** True range of one physics node over the run (ticks and offline samples), with when it was reached. */
export interface NodeRange {
  unit: '°C' | '%RH';
  min: number;
  minAt: number;
  max: number;
  maxAt: number;
}

/**
 * What kept the enclosure's control busy: a controller mode, or `down` (no controller process:
 * crash, power cut, watchdog restart) or `hung` (the process exists but its event loop is stalled).
 */
export type TimelineMode = EnclosureMode | 'down' | 'hung';

/** One interval of the mode timeline, wall ms; `to` of the last one is the end of the run. */
export interface ModeInterval {
  mode: TimelineMode;
  from: number;
  to: number;
}

/**
 * The components an injected event touches, per enclosure id (see `touches.ts`); `all`: a
 * process-level event touches every component, including controller-wide ones not listed.
 */
export interface Touches {
  all: boolean;
  scope: 'process' | 'room' | 'enclosure' | 'bus' | 'device';
  components: Record<string, string[]>;
}

/** An injected scenario event as the runner applied it. Times are wall ms, `mono` monotonic ms. */
export interface InjectedEvent {
  kind: string;
  at: number;
  mono: number;
  enclosure: string | null;
  device: string | null;
  bus: number | null;
  /** The fault's own fields (everything but `kind`), as in the scenario. */
  fields: Record<string, unknown>;
  /** The scenario's duration, s; `null`: lasts to the end (or, for process kinds, see `clearedAt`). */
  durationSeconds: number | null;
  touches: Touches;
  /** Wall ms the fault was cleared (device healthy again possible from here), `null` if never. */
  clearedAt: number | null;
  /** Per touched component: seconds from `clearedAt` until it was healthy and fault-free, `null` if never. */
  recovery: Array<{ enclosureId: string; component: string; seconds: number | null }> | null;
}

/** Tick lateness and duration figures, monotonic ms (see `tick-timing.ts`). */
export interface TickTimingFigures {
  periodMs: number;
  ticks: number;
  lateness: { p50: number; p99: number; max: number };
  duration: { p50: number; p99: number; max: number };
  /** Ticks that took longer than one period. */
  overruns: number;
  /** Periods in which no tick started. */
  skippedPeriods: number;
  /** The criterion the verdict applies and whether the run met it. */
  criterion: { p99LatenessMaxMs: number };
  holds: boolean;
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
  faults: AttributedFault[];
  recoveries: RecoveryRecord[];
  safetyViolations: SafetyViolation[];
  /** The faults no injected event explains (the same entries as in `faults`). */
  falseAlarms: AttributedFault[];
  /** True min/max per physics node (`air`, `humidity`, `probe`, `heater.<id>`, ...). */
  trueRanges: Record<string, NodeRange>;
  modeTimeline: ModeInterval[];
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
  /** Scenario events in the order they were applied. */
  injected: InjectedEvent[];
  /** Tick lateness, `null` when the caller measured none. */
  tickTiming: TickTimingFigures | null;
  series: Record<string, EnclosureSeries>;
}
