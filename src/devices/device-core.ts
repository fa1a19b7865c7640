import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { type Clock, withTimeout } from '../hal/clock.js';
import { type BreakerPolicy, type BreakerTransition, CircuitBreaker, DEFAULT_DEVICE_BREAKER } from '../resilience/circuit-breaker.js';
import { isTransient } from '../resilience/classify.js';
import { HealthTracker } from '../resilience/health-tracker.js';
import type { ComponentHealth, HealthTransition } from '../resilience/health-types.js';
import type { Random } from '../resilience/random.js';
import { DEFAULT_DEVICE_RETRY, type RetryPolicy, TimeoutError, retry } from '../resilience/retry.js';

/** Default budget for `createDriver()` and for each `init()`/`reset()` attempt, ms. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;

/** What the core needs of a driver: a name for logs and a self-test. */
export interface InitialisableDriver {
  readonly description: string;
  init(): Promise<void>;
}

/** Options shared by the sensor and actuator components; durations in ms. */
export interface DeviceCoreOptions<D extends InitialisableDriver> {
  id: string;
  enclosureId: string;
  kind: 'sensor' | 'actuator';
  clock: Clock;
  random: Random;
  log: Logger;
  createDriver: () => Promise<D>;
  /** Releases a driver (and what it opened); absent: nothing to release. */
  closeDriver?: (driver: D) => Promise<void>;
  /** Over `DEFAULT_DEVICE_RETRY` (3 attempts, 50 ms base, 400 ms cap, 2 s per attempt). */
  retry?: Partial<RetryPolicy>;
  /** Over `DEFAULT_DEVICE_BREAKER` (opens after 5, probe after 2 s doubling to 20 s). */
  breaker?: Partial<BreakerPolicy>;
  /** Budget for `createDriver()` and each `init()`/`reset()` attempt; default 10 000. */
  initTimeoutMs?: number;
  /** Clean successes in a row back to healthy; default 3. */
  healthyAfterSuccesses?: number;
  onHealthChange?: (t: HealthTransition, health: ComponentHealth) => void;
}

/**
 * The plumbing a health-tracked component needs around its driver, shared by `SensorComponent`
 * and `ActuatorComponent`: the health tracker and circuit breaker wired together (an opening
 * breaker marks health `failed`), retry of transient errors, driver creation and self-test with
 * timeouts, release, a serial queue for operations, and logging of health transitions.
 */
export class DeviceCore<D extends InitialisableDriver> {
  /** The current driver (null before start, after stop, or when creating it failed). */
  driver: D | null = null;
  /** True once `init()` of the current driver succeeded. */
  ready = false;
  readonly tracker: HealthTracker;
  readonly breaker: CircuitBreaker;
  private chain: Promise<unknown> = Promise.resolve();
  /** Operations queued by {@link serial} and not finished yet. */
  private queued = 0;

  /** `opts.retry` over the defaults, merged once (every read and write uses it). */
  private readonly retryPolicy: RetryPolicy;

  constructor(private readonly opts: DeviceCoreOptions<D>) {
    this.retryPolicy = { ...DEFAULT_DEVICE_RETRY, ...opts.retry };
    this.tracker = new HealthTracker({
      id: opts.id,
      enclosureId: opts.enclosureId,
      kind: opts.kind,
      clock: opts.clock,
      healthyAfterSuccesses: opts.healthyAfterSuccesses,
      onTransition: (t, h) => this.onHealthTransition(t, h),
    });
    this.breaker = new CircuitBreaker({ clock: opts.clock, ...DEFAULT_DEVICE_BREAKER, ...opts.breaker, onTransition: (t) => this.onBreakerTransition(t) });
  }

  /** Health snapshot with the breaker's current state. */
  health(): ComponentHealth {
    this.tracker.setBreaker(this.breaker.state);
    return this.tracker.health();
  }

  /** Runs `fn` after every operation queued before it. `fn` must not reject. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.chain.then(fn);
    const done = (): void => {
      this.queued--;
    };
    this.chain = run.then(done, done); // fn never rejects; the caller still gets `run`'s outcome
    return run;
  }

  /** True when no operation is running or waiting in the {@link serial} queue. */
  get idle(): boolean {
    return this.queued === 0;
  }

  /** `op` with the component's retry policy, retrying transient errors only; counts retries via `onRetry`. */
  retrying<T>(op: () => Promise<T>, label: string, onRetry: () => void, attemptTimeoutMs?: number): Promise<T> {
    const policy = this.retryPolicy;
    return retry(op, {
      clock: this.opts.clock,
      random: this.opts.random,
      attempts: policy.attempts,
      baseDelayMs: policy.baseDelayMs,
      maxDelayMs: policy.maxDelayMs,
      attemptTimeoutMs: attemptTimeoutMs !== undefined ? attemptTimeoutMs : policy.attemptTimeoutMs,
      label,
      shouldRetry: isTransient,
      onRetry: (err, attempt, delayMs) => {
        onRetry();
        this.opts.log.debug({ ...this.fields(), attempt, delayMs: Math.round(delayMs), err: describeError(err) }, `${label} failed, retrying`);
      },
    });
  }

  /** Budget of `createDriver()` and of each `init()`/`reset()` attempt, ms. */
  initTimeoutMs(): number {
    return this.opts.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
  }

  /**
   * Releases any current driver, creates a new one (with the init budget) and runs its self-test
   * with retry. On failure health is `failed` with the reason (prefixed by `context`) and the result
   * is false; a driver whose `init()` failed is kept (a reset may still bring it up).
   */
  async open(context: string): Promise<boolean> {
    await this.close(context);
    const budget = this.initTimeoutMs();
    const creating = Promise.resolve().then(() => this.opts.createDriver());
    let driver: D;
    try {
      driver = await withTimeout(this.opts.clock, creating, budget, () => new TimeoutError(`${this.opts.id} createDriver`, budget));
    } catch (err) {
      // A factory that answers after its timeout still opened a bus or line: release it.
      creating.then((late) => this.release(late, `${context} (late driver)`), () => undefined);
      this.tracker.recordFailure(err, { fatal: true, context: `${context}: create driver` });
      return false;
    }
    this.driver = driver;
    let retries = 0;
    try {
      await this.retrying(() => driver.init(), `${driver.description} init`, () => retries++, budget);
    } catch (err) {
      this.tracker.recordFailure(err, { fatal: true, retries, context: `${context}: init ${driver.description}` });
      return false;
    }
    this.ready = true;
    this.opts.log.info({ ...this.fields(), driver: driver.description }, `${this.opts.kind} ${this.opts.id} ${context}: initialised`);
    return true;
  }

  /** Forgets and releases the current driver. A release failure is recorded (not fatal) and logged. */
  async close(context: string): Promise<void> {
    const driver = this.driver;
    this.driver = null;
    this.ready = false;
    if (driver) await this.release(driver, context);
  }

  /** Log fields naming the component. */
  fields(): { component: string; enclosure: string } {
    return { component: this.opts.id, enclosure: this.opts.enclosureId };
  }

  private async release(driver: D, context: string): Promise<void> {
    if (!this.opts.closeDriver) return;
    try {
      await this.opts.closeDriver(driver);
    } catch (err) {
      this.tracker.recordFailure(err, { context: `${context}: close ${driver.description}` });
      this.opts.log.warn({ ...this.fields(), err: describeError(err) }, `${this.opts.kind} ${this.opts.id} ${context}: closing ${driver.description} failed`);
    }
  }

  private onBreakerTransition(t: BreakerTransition): void {
    this.tracker.setBreaker(t.to);
    this.opts.log.info({ ...this.fields(), from: t.from, to: t.to }, `${this.opts.kind} ${this.opts.id} circuit ${t.to}`);
    if (t.to !== 'open') return;
    const last = this.tracker.health().lastError ?? 'unknown error';
    this.tracker.markFailed(`circuit open after ${t.consecutiveFailures} failures in a row (next probe in ${Math.round((t.resetTimeoutMs ?? 0) / 1000)} s); last: ${last}`);
  }

  private onHealthTransition(t: HealthTransition, health: ComponentHealth): void {
    const level = t.to === 'failed' ? 'error' : t.to === 'degraded' ? 'warn' : 'info';
    this.opts.log[level]({ ...this.fields(), from: t.from, to: t.to, reason: t.reason }, `${this.opts.kind} ${this.opts.id} ${t.to}`);
    this.opts.onHealthChange?.(t, health);
  }
}
