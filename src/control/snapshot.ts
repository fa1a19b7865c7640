import type { Reading } from '../devices/reading.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import type { DayPhase, EnclosureMode, Fault } from './types.js';

/** One actuator's applied state in a snapshot. */
export interface ActuatorSnapshot {
  kind: 'heater' | 'light' | 'mister' | 'fogger' | 'fan' | 'cutoff' | 'feeder';
  on: boolean;
  /** 0..1 for dimmable lights. */
  level?: number;
  reason: string;
}

/**
 * Everything a tick knows about one enclosure, handed to telemetry, state and the report
 *. Times are wall ms since epoch.
 */
export interface EnclosureSnapshot {
  enclosureId: string;
  name: string;
  at: number;
  mode: EnclosureMode;
  phase: DayPhase;
  /** Light level 0..1 from the photoperiod (ramps at dawn/dusk). */
  lightLevel: number;
  /** Active setpoint after season and override, °C, and its hysteresis band width, °C. */
  setpointC: number;
  hysteresisC: number;
  /** True when an operator setpoint override is active. */
  setpointOverridden: boolean;
  humidityRange: { minPct: number; maxPct: number };
  limits: { minC: number; maxC: number; maxHumidityPct: number };
  temperature: Reading | null;
  humidity: Reading | null;
  pressure: Reading | null;
  actuators: Record<string, ActuatorSnapshot>;
  /** Active faults (latched or not). */
  faults: Fault[];
  lastFedAt: number | null;
  /** Health of this enclosure's components. */
  health: ComponentHealth[];
}
