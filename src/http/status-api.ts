import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { DayPhase, EnclosureMode, FaultKind } from '../control/types.js';
import type { Quality } from '../devices/reading.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import type { TelemetryStatus } from '../telemetry/options.js';
import type { ErrorRate } from './error-rate.js';
import { liveness, readiness, type ProbeResult, type ProbeSource } from './probes.js';

/** Version of the {@link StatusDocument} shape; raised on any incompatible change. */
export const STATUS_SCHEMA = 1;

/** One reading as the dashboard shows it. `value` is null while missing. */
export interface StatusReading {
  /** °C, %RH or Pa by quantity. */
  value: number | null;
  quality: Quality;
  sensorId: string;
  /** Wall ms of the sample, null if never read. */
  at: number | null;
  /** Why the quality is not `ok`. */
  reason?: string;
}

/** One output (heater, light, mister, ...) and why it is in its state. */
export interface StatusOutput {
  id: string;
  kind: EnclosureSnapshot['actuators'][string]['kind'];
  on: boolean;
  /** 0..1 for dimmable lights. */
  level?: number;
  /** Short reason from control (`below setpoint`, `over-temperature cutoff`, ...). */
  reason: string;
}

/** One active fault; `latched` ones stay until acknowledged (heat stays off for some kinds). */
export interface StatusFault {
  kind: FaultKind;
  component: string;
  /** Wall ms when raised. */
  at: number;
  latched: boolean;
  message: string;
}

/** The essentials of one enclosure, from its last tick's snapshot and its persisted operator state. */
export interface EnclosureStatus {
  id: string;
  name: string;
  /** Wall ms of the snapshot (the last tick). */
  at: number;
  mode: EnclosureMode;
  phase: DayPhase;
  /** 0..1 from the photoperiod. */
  lightLevel: number;
  temperature: StatusReading | null;
  humidity: StatusReading | null;
  pressure: StatusReading | null;
  /** Active setpoint after season and override, °C. */
  setpointC: number;
  /** Hysteresis band width, °C, and the band itself: setpoint ± width / 2 (°C). */
  hysteresisC: number;
  band: { lowC: number; highC: number };
  /** The profile's humidity band, %RH. */
  humidityRange: { minPct: number; maxPct: number };
  /** Safety limits: °C and %RH. */
  limits: { minC: number; maxC: number; maxHumidityPct: number };
  /** An operator setpoint override in force (°C, until wall ms), or null. */
  setpointOverride: { valueC: number; until: number } | null;
  outputs: StatusOutput[];
  faults: StatusFault[];
  /** Feeders of the enclosure with when each last fed (wall ms, null: never). */
  feeders: Array<{ id: string; lastFedAt: number | null }>;
}

/**
 * `GET /api/status`: the controller at a glance for a dashboard. Times are wall ms since the epoch
 * unless named otherwise; temperatures °C, humidity %RH, pressure Pa. Enclosures appear once their
 * first tick ran (before that the list is shorter and `ready.ok` is false).
 */
export interface StatusDocument {
  schema: typeof STATUS_SCHEMA;
  controllerId: string;
  /** Controller version (package.json). */
  version: string;
  /** Wall ms when the document was made. */
  at: number;
  /** Seconds since the controller finished starting (monotonic clock). */
  uptimeSeconds: number;
  /** Control ticks completed since start. */
  ticks: number;
  /** The probes' answers (same as `/health/live` and `/health/ready`). */
  live: ProbeResult;
  ready: ProbeResult;
  /** Failed I/O operations over the last 15 minutes (see {@link ErrorRate}). */
  errorRate: ErrorRate;
  enclosures: EnclosureStatus[];
  /** Health of every component (enclosures' and controller-wide: clock, broker, host). */
  components: ComponentHealth[];
  /** MQTT link, outbox and command figures; null without an `mqtt` section. */
  telemetry: TelemetryStatus | null;
}

/** One enclosure as the status sources give it. */
export interface EnclosureSource {
  /** The last tick's snapshot; undefined before the first tick (the enclosure is left out). */
  snapshot: EnclosureSnapshot | undefined;
  /** Operator setpoint override as persisted (null: none; one whose `until` passed is left out). */
  setpointOverride: { valueC: number; until: number } | null;
  /** Last feed per feeder id, wall ms (null: never). */
  feeders: Array<{ id: string; lastFedAt: number | null }>;
}

/** What {@link statusDocument} reads; every function is called once per document. */
export interface StatusSources {
  controllerId: string;
  version: string;
  probes: ProbeSource;
  enclosures(): EnclosureSource[];
  health(): ComponentHealth[];
  /** The error rate now, given the health just read. */
  errorRate(health: readonly ComponentHealth[]): ErrorRate;
  telemetry(): TelemetryStatus | undefined;
}

/**
 * Builds the status document from its sources: a pure function of what they return and of the
 * probes' clock (no I/O, no server code). Never throws for a missing snapshot or telemetry.
 */
export function statusDocument(src: StatusSources): StatusDocument {
  const { probes } = src;
  const now = probes.clock.now();
  const health = src.health();
  const enclosures: EnclosureStatus[] = [];
  for (const e of src.enclosures()) {
    const s = e.snapshot;
    if (!s) continue;
    enclosures.push({
      id: s.enclosureId,
      name: s.name,
      at: s.at,
      mode: s.mode,
      phase: s.phase,
      lightLevel: s.lightLevel,
      temperature: reading(s.temperature),
      humidity: reading(s.humidity),
      pressure: reading(s.pressure),
      setpointC: s.setpointC,
      hysteresisC: s.hysteresisC,
      band: { lowC: s.setpointC - s.hysteresisC / 2, highC: s.setpointC + s.hysteresisC / 2 },
      humidityRange: { ...s.humidityRange },
      limits: { ...s.limits },
      setpointOverride: e.setpointOverride && e.setpointOverride.until > now ? { ...e.setpointOverride } : null,
      outputs: Object.entries(s.actuators).map(([id, a]) => ({ id, kind: a.kind, on: a.on, ...(a.level === undefined ? {} : { level: a.level }), reason: a.reason })),
      faults: s.faults.map((f) => ({ kind: f.kind, component: f.component, at: f.at, latched: f.latched, message: f.message })),
      feeders: e.feeders.map((f) => ({ ...f })),
    });
  }
  return {
    schema: STATUS_SCHEMA,
    controllerId: src.controllerId,
    version: src.version,
    at: now,
    uptimeSeconds: Math.max(0, probes.clock.monotonic() - probes.startedAt) / 1000,
    ticks: probes.progress().ticks,
    live: liveness(probes),
    ready: readiness(probes),
    errorRate: src.errorRate(health),
    enclosures,
    components: health,
    telemetry: src.telemetry() ?? null,
  };
}

function reading(r: EnclosureSnapshot['temperature']): StatusReading | null {
  if (!r) return null;
  return { value: r.value, quality: r.quality, sensorId: r.sensorId, at: r.at, ...(r.reason ? { reason: r.reason } : {}) };
}
