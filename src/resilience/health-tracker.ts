import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { type ErrorClass, classifyError } from './classify.js';
import type { BreakerState, ComponentHealth, HealthCounters, HealthStatus, HealthTransition } from './health-types.js';

/** Default number of consecutive clean successes that make a degraded or failed component healthy. */
export const DEFAULT_HEALTHY_AFTER_SUCCESSES = 3;
/** Default number of status transitions kept. */
export const DEFAULT_HEALTH_HISTORY = 20;

/** Options of {@link HealthTracker}. */
export interface HealthTrackerOptions {
  id: string;
  enclosureId: string | null;
  kind: ComponentHealth['kind'];
  /** Wall time for `lastSuccessAt`, `lastErrorAt` and the history. */
  clock: Clock;
  /** M: consecutive clean successes (no retries) back to `healthy`; default 3. */
  healthyAfterSuccesses?: number;
  /** Transitions kept in the ring; default 20. */
  historySize?: number;
  /** Called after every status change (not for a reason-only update). */
  onTransition?: (t: HealthTransition, health: ComponentHealth) => void;
}

/** Details of one failed operation for {@link HealthTracker.recordFailure}. */
export interface FailureDetails {
  /** Retries spent inside the failed call. */
  retries?: number;
  /** Overrides `classifyError(err)`. */
  category?: ErrorClass;
  /** Marks the component `failed` whatever the class (init or a recovery action failed). */
  fatal?: boolean;
  /** Prefix for the reason: `init`, `reset`, `write on`. */
  context?: string;
}

/**
 * Health of one component from the outcomes of its operations:
 * - `unknown` until the first attempt; a first clean success makes it `healthy`;
 * - `degraded` after a transient or data failure, or a success that needed retries;
 * - `failed` on a permanent or configuration error, a fatal failure, or {@link markFailed} (the
 *   circuit breaker opened); a success while failed moves it to `degraded` ("recovering");
 * - back to `healthy` after M consecutive clean successes, which counts one recovery.
 * Keeps counters (operations, failures, retries, recoveries) and a ring of the last N transitions.
 */
export class HealthTracker {
  private current: HealthStatus = 'unknown';
  private reason: string | undefined = 'no attempt yet';
  private breaker: BreakerState | undefined;
  private lastSuccessAt: number | null = null;
  private lastErrorAt: number | null = null;
  private lastError: string | undefined;
  private readonly counters: HealthCounters = { reads: 0, failures: 0, retries: 0, recoveries: 0 };
  private streak = 0;
  private readonly ring: HealthTransition[] = [];
  /** The last {@link health} snapshot, until something changes (several readers ask every tick). */
  private snapshot: ComponentHealth | null = null;

  constructor(private readonly opts: HealthTrackerOptions) {}

  /** Current status. */
  get status(): HealthStatus {
    return this.current;
  }

  /** An operation (read, write, verification) succeeded after `retries` retries. */
  recordSuccess(details: { retries?: number } = {}): void {
    const retries = details.retries ?? 0;
    this.snapshot = null;
    this.counters.reads++;
    this.counters.retries += retries;
    this.lastSuccessAt = this.opts.clock.now();
    if (retries > 0) {
      this.streak = 0;
      this.set('degraded', `delivering, but needed ${retries} ${retries === 1 ? 'retry' : 'retries'}`);
      return;
    }
    if (this.current === 'unknown' || this.current === 'healthy') {
      this.set('healthy', undefined);
      return;
    }
    this.streak++;
    const needed = Math.max(1, this.opts.healthyAfterSuccesses ?? DEFAULT_HEALTHY_AFTER_SUCCESSES);
    if (this.streak >= needed) {
      this.streak = 0;
      this.counters.recoveries++;
      this.set('healthy', undefined, 'recovered');
    } else {
      this.set('degraded', `recovering: ${this.streak}/${needed} good in a row`);
    }
  }

  /** An operation failed with `err`. */
  recordFailure(err: unknown, details: FailureDetails = {}): void {
    const category = details.category ?? classifyError(err);
    const text = details.context ? `${details.context}: ${describeError(err)}` : describeError(err);
    this.snapshot = null;
    this.counters.reads++;
    this.counters.failures++;
    this.counters.retries += details.retries ?? 0;
    this.lastErrorAt = this.opts.clock.now();
    this.lastError = text;
    this.streak = 0;
    if (details.fatal || category === 'permanent' || category === 'configuration') this.set('failed', `${category}: ${text}`);
    else if (this.current !== 'failed') this.set('degraded', `${category}: ${text}`);
  }

  /** Marks the component failed without an operation (the circuit opened, it is not initialised). */
  markFailed(reason: string): void {
    this.streak = 0;
    this.set('failed', reason);
  }

  /** Records the circuit breaker's state for {@link health}. */
  setBreaker(state: BreakerState | undefined): void {
    if (state === this.breaker) return;
    this.breaker = state;
    this.snapshot = null;
  }

  /**
   * A snapshot for the registry, supervisor and telemetry, shared by every caller until the next
   * change (the tick, the supervisor and telemetry each ask every tick): treat it as read-only.
   */
  health(): ComponentHealth {
    return (this.snapshot ??= this.build());
  }

  private build(): ComponentHealth {
    return {
      id: this.opts.id,
      enclosureId: this.opts.enclosureId,
      kind: this.opts.kind,
      status: this.current,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...(this.breaker !== undefined ? { breaker: this.breaker } : {}),
      lastSuccessAt: this.lastSuccessAt,
      lastErrorAt: this.lastErrorAt,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      counters: { ...this.counters },
    };
  }

  /** The last status transitions, oldest first (at most `historySize`). */
  history(): HealthTransition[] {
    return this.ring.map((t) => ({ ...t }));
  }

  private set(status: HealthStatus, reason: string | undefined, transitionReason?: string): void {
    const from = this.current;
    this.current = status;
    this.reason = reason;
    this.snapshot = null;
    if (from === status) return;
    const t: HealthTransition = { at: this.opts.clock.now(), from, to: status, reason: transitionReason ?? reason ?? status };
    this.ring.push(t);
    const max = Math.max(1, this.opts.historySize ?? DEFAULT_HEALTH_HISTORY);
    while (this.ring.length > max) this.ring.shift();
    this.opts.onTransition?.({ ...t }, this.health());
  }
}
