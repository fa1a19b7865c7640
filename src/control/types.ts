import type { Quantity } from '../drivers/types.js';
import type { Reading, ReadingsBySensor } from '../devices/reading.js';

/**
 * Enclosure mode: `normal`; `degraded` (a fallback is active); `safe` (latched fault,
 * heat off, waits for an acknowledgement); `manual` (operator override of outputs).
 */
export type EnclosureMode = 'normal' | 'degraded' | 'safe' | 'manual';

/** Where the photoperiod is: a level computed from `now`, never from cron edges. */
export type DayPhase = 'night' | 'dawn' | 'day' | 'dusk';

/** Kinds of latched or transient faults the guard and supervisor raise. */
export type FaultKind =
  | 'over-temperature'
  | 'under-temperature'
  | 'thermal-runaway'
  | 'heater-no-heat'
  | 'stuck-relay'
  | 'max-on-time'
  | 'water-low'
  | 'sensor-stale'
  | 'sensor-implausible'
  | 'sensor-stuck'
  | 'sensor-missing'
  | 'component-failed'
  | 'clock-implausible'
  | 'over-humidity'
  /** Diagnosis by the enclosure model (src/model): a sensor frozen at one value while its node moves. */
  | 'sensor-frozen'
  /** A sensor that jumped away from its peers and the model (a step: loose contact, knocked probe). */
  | 'sensor-offset'
  /** A sensor slowly drifting away from its peers and the model (ageing, moisture). */
  | 'sensor-drift'
  /** A surface probe that fell off its spot and reads the air or room instead. */
  | 'sensor-detached'
  /** The controller process did not stop cleanly (crash, kill, power cut) and was restarted. */
  | 'unclean-stop'
  /** Repeated unclean restarts within an hour. */
  | 'crash-loop'
  /** The process stopped making progress and was killed by the systemd watchdog. */
  | 'watchdog-kill'
  /** The control loop ran no tick for minutes inside a running process (hang, blocked event loop). */
  | 'tick-overrun';

/** A fault. `latched` faults persist across restarts until acknowledged. */
export interface Fault {
  kind: FaultKind;
  /** Component (sensor or actuator id) it concerns. */
  component: string;
  /** Wall ms when raised. */
  at: number;
  latched: boolean;
  message: string;
}

/** What one output should do this tick. `level` 0..1 only for dimmable lights. */
export interface OutputCommand {
  on: boolean;
  level?: number;
  /** Short human reason: `below setpoint`, `fallback duty 20 %`, `over-temperature cutoff`. */
  reason: string;
}

/** Desired state of every actuator of an enclosure, by actuator id (feeders excluded). */
export type OutputPlan = Record<string, OutputCommand>;

/** Effective (fused) measurement per quantity, plus where it came from. */
export interface Measurements {
  temperature: Reading | null;
  humidity: Reading | null;
  pressure: Reading | null;
  /** Every sensor's latest readings, for per-heater sensor lists and limit probes. */
  bySensor: ReadingsBySensor;
}

/** Operator inputs, from the CLI or MQTT, already validated and bounded. */
export interface OperatorInputs {
  mode?: 'auto' | 'manual';
  /** Temporary setpoint override, °C, until wall ms. */
  setpointOverride?: { valueC: number; until: number };
  /** Manual output states, honoured only in `manual` mode and still under the guard. */
  manualOutputs?: Record<string, boolean>;
  /** A "feed now" request at this wall ms (still subject to feeding limits). */
  feedRequestedAt?: number;
}

/** Events a tick produces for logs, telemetry and the report. */
export type ControlEvent =
  | { type: 'fault'; fault: Fault }
  | { type: 'fault-cleared'; kind: FaultKind; component: string; at: number }
  | { type: 'feed'; actuatorId: string; at: number; reason: 'scheduled' | 'manual' | 'replay' }
  | { type: 'feed-skipped'; actuatorId: string; at: number; reason: string }
  | { type: 'phase'; phase: DayPhase; at: number }
  | { type: 'notice'; message: string; at: number };

export type { Quantity };
