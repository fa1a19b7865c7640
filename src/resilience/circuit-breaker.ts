import type { Clock } from '../hal/clock.js';
import type { BreakerState } from './health-types.js';

/** A state change of a {@link CircuitBreaker}, reported to its listener. */
export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** Monotonic ms of the change. */
  at: number;
  /** Consecutive failures counted when it happened. */
  consecutiveFailures: number;
  /** When `to` is `open`: how long until a half-open probe is allowed, ms. */
  resetTimeoutMs?: number;
}

/** A breaker policy as configured per component, ms. */
export interface BreakerPolicy {
  failureThreshold: number;
  resetTimeoutMs: number;
  maxResetTimeoutMs: number;
}

/**
 * Default policy for a device: opens after 5 failed operations in a row; first probe after 2 s,
 * doubling per failed probe up to 20 s, so a device that comes back is probed again within 20 s
 * (the aim is recovery within 30 s of the fault clearing).
 */
export const DEFAULT_DEVICE_BREAKER: Readonly<BreakerPolicy> = { failureThreshold: 5, resetTimeoutMs: 2000, maxResetTimeoutMs: 20_000 };

/** Options of {@link CircuitBreaker}; durations in ms of the clock's monotonic time. */
export interface CircuitBreakerOptions {
  clock: Clock;
  /** Consecutive failures that open the circuit (>= 1). */
  failureThreshold: number;
  /** Wait before the first half-open probe after opening. */
  resetTimeoutMs: number;
  /** Cap of the wait, which doubles after every failed probe. */
  maxResetTimeoutMs: number;
  /** Called on every state change (never for a no-op). */
  onTransition?: (t: BreakerTransition) => void;
}

/**
 * Circuit breaker per device (Michael Nygard, "Release It!", 2007, ch. 5 "Stability Patterns";
 * the standard names `closed`, `open`, `half-open`):
 * - `closed`: calls go through; `failureThreshold` consecutive failures open it;
 * - `open`: calls are refused until `resetTimeoutMs` has passed on the monotonic clock;
 * - `half-open`: exactly one probe call is allowed; its success closes the circuit (and resets the
 *   wait), its failure re-opens it with the wait doubled, capped at `maxResetTimeoutMs`.
 *
 * Time is read lazily from the injected clock (no timers to release): `open` becomes `half-open`
 * when someone asks ({@link state}, {@link canAttempt}) after the wait.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private waitMs: number;
  private openedAt = 0;
  private probeStartedAt: number | null = null;

  constructor(private readonly opts: CircuitBreakerOptions) {
    this.waitMs = opts.resetTimeoutMs;
  }

  /** Current state; an `open` circuit whose wait has elapsed reports (and becomes) `half-open`. */
  get state(): BreakerState {
    if (this.current === 'open' && this.opts.clock.monotonic() - this.openedAt >= this.waitMs) this.transition('half-open');
    return this.current;
  }

  /** Consecutive failures since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Current wait between opening and the next probe, ms (doubles per failed probe, capped). */
  get resetTimeoutMs(): number {
    return this.waitMs;
  }

  /** Ms until a half-open probe is allowed; 0 unless `open`. */
  remainingOpenMs(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.openedAt + this.waitMs - this.opts.clock.monotonic());
  }

  /**
   * Whether a call may be made now. `closed`: yes. `open`: no. `half-open`: yes once (that call is
   * the probe; further calls are refused until it is recorded, or until a probe left unrecorded for
   * a whole reset timeout is given up on).
   */
  canAttempt(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open') return false;
    const now = this.opts.clock.monotonic();
    if (this.probeStartedAt !== null && now - this.probeStartedAt < this.waitMs) return false;
    this.probeStartedAt = now;
    return true;
  }

  /** A call succeeded: the circuit closes, the failure count and the wait reset. */
  recordSuccess(): void {
    this.failures = 0;
    this.probeStartedAt = null;
    this.waitMs = this.opts.resetTimeoutMs;
    if (this.current !== 'closed') this.transition('closed');
  }

  /**
   * A call failed. `closed`: counts, opens at the threshold. `half-open`: the probe failed, re-open
   * with the wait doubled (capped). `open`: counted only (nothing was allowed through).
   */
  recordFailure(): void {
    this.failures++;
    const s = this.state;
    if (s === 'half-open') {
      this.probeStartedAt = null;
      this.waitMs = Math.min(this.opts.maxResetTimeoutMs, this.waitMs * 2);
      this.open();
    } else if (s === 'closed' && this.failures >= Math.max(1, this.opts.failureThreshold)) {
      this.open();
    }
  }

  /** Closes the circuit at once (after a successful recovery action such as a reset or restart). */
  forceClosed(): void {
    this.recordSuccess();
  }

  private open(): void {
    this.openedAt = this.opts.clock.monotonic();
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.opts.onTransition?.({
      from,
      to,
      at: this.opts.clock.monotonic(),
      consecutiveFailures: this.failures,
      ...(to === 'open' ? { resetTimeoutMs: this.waitMs } : {}),
    });
  }
}
