import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { withTimeout } from '../hal/clock.js';
import type { FeederDriver } from '../drivers/types.js';
import { HealthTracker } from '../resilience/health-tracker.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import { TimeoutError } from '../resilience/retry.js';

/** Options of {@link FeederComponent}; durations in ms. */
export interface FeederComponentOptions {
  id: string;
  enclosureId: string;
  clock: Clock;
  log: Logger;
  /** Builds the driver (not initialised); called by `start()` and `restart()`. */
  createDriver: () => Promise<FeederDriver>;
  /** Longest a feed cycle may take before it is abandoned and the mechanism stopped; default 60 000. */
  feedTimeoutMs?: number;
}

/**
 * The feeder as a health-tracked component. A feed is never retried here: a portion that may
 * already have dropped must not drop twice, so a failed cycle stops the mechanism, marks the
 * feeder failed and leaves the decision to the keeper (the feeder stays disabled until healthy).
 * `lastFedAt` is persisted by the caller BEFORE {@link dispense} is called.
 */
export class FeederComponent {
  readonly id: string;
  private driver: FeederDriver | undefined;
  private readonly tracker: HealthTracker;
  private busy = false;

  constructor(private readonly opts: FeederComponentOptions) {
    this.id = opts.id;
    this.tracker = new HealthTracker({ id: opts.id, enclosureId: opts.enclosureId, kind: 'feeder', clock: opts.clock, healthyAfterSuccesses: 1 });
  }

  /** Creates and initialises the driver; a failure marks the feeder failed (no throw). */
  async start(): Promise<void> {
    try {
      const d = await this.opts.createDriver();
      await withTimeout(this.opts.clock, d.init(), 10_000, () => new TimeoutError(`${d.description} init`, 10_000));
      await d.stop();
      this.driver = d;
      this.tracker.recordSuccess();
    } catch (e) {
      this.tracker.recordFailure(e, { fatal: true });
      this.opts.log.error({ component: this.id, err: describeError(e) }, 'feeder failed its self-test; feeding disabled until it recovers');
    }
  }

  /** True when a feed may be attempted. */
  ready(): boolean {
    return this.driver !== undefined && !this.busy && this.tracker.health().status === 'healthy';
  }

  /**
   * Runs one feed cycle. Resolves `true` when the cycle completed, `false` when it failed (the
   * mechanism is then driven to rest and the feeder marked failed). Never throws.
   */
  async dispense(): Promise<boolean> {
    const d = this.driver;
    if (!d || this.busy) return false;
    this.busy = true;
    const timeoutMs = this.opts.feedTimeoutMs ?? 60_000;
    try {
      await withTimeout(this.opts.clock, d.dispense(), timeoutMs, () => new TimeoutError(`${d.description} feed cycle`, timeoutMs));
      this.tracker.recordSuccess();
      return true;
    } catch (e) {
      this.tracker.recordFailure(e, { fatal: true });
      this.opts.log.error({ component: this.id, err: describeError(e) }, 'feed cycle failed; feeder disabled until it recovers');
      await this.stopMechanism();
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async stopMechanism(): Promise<void> {
    try {
      await this.driver?.stop();
    } catch (e) {
      this.opts.log.error({ component: this.id, err: describeError(e) }, 'could not drive the feeder to rest');
    }
  }

  /** Recovery action: re-create and re-initialise the driver (self-test, mechanism to rest). */
  async restart(): Promise<boolean> {
    const old = this.driver;
    this.driver = undefined;
    try {
      await old?.close();
    } catch {
      /* the old driver is being replaced; its close error is irrelevant */
    }
    await this.start();
    return this.driver !== undefined;
  }

  health(): ComponentHealth {
    return this.tracker.health();
  }

  async stop(): Promise<void> {
    await this.stopMechanism();
    try {
      await this.driver?.close();
    } catch (e) {
      this.opts.log.warn({ component: this.id, err: describeError(e) }, 'feeder close failed');
    }
    this.driver = undefined;
  }
}
