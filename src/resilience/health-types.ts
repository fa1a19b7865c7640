/** Health of a component. `unknown` until the first attempt. */
export type HealthStatus = 'healthy' | 'degraded' | 'failed' | 'unknown';

/** Circuit breaker state. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Counters kept per component since start. */
export interface HealthCounters {
  reads: number;
  failures: number;
  retries: number;
  recoveries: number;
}

/** A point-in-time view of one component's health, for the supervisor, telemetry and `status`. */
export interface ComponentHealth {
  /** Component id, unique per enclosure (`air`, `heater`); host metrics use `host.<metric>`. */
  id: string;
  /** Owning enclosure id, or `null` for controller-wide components (broker, host). */
  enclosureId: string | null;
  kind: 'sensor' | 'actuator' | 'feeder' | 'broker' | 'host' | 'input';
  status: HealthStatus;
  /** Why it is not healthy, one line. */
  reason?: string;
  breaker?: BreakerState;
  /** Wall ms of the last success / failure, `null` if none. */
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError?: string;
  counters: HealthCounters;
}

/** One change of a component's health status, kept in a bounded history (`HealthTracker`). */
export interface HealthTransition {
  /** Wall ms of the change. */
  at: number;
  from: HealthStatus;
  to: HealthStatus;
  /** Why (the new status's reason, or `recovered`). */
  reason: string;
}
