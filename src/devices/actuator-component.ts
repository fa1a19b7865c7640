import { describeError } from '../errors.js';
import type { DimmerDriver, SwitchDriver } from '../drivers/types.js';
import type { ComponentHealth, HealthTransition } from '../resilience/health-types.js';
import { DeviceCore, type DeviceCoreOptions } from './device-core.js';
import { ReadBackMismatchError } from './errors.js';

/** Actuator kinds driven through a switch or dimmer (feeders have their own component). */
export type ActuatorKind = 'heater' | 'light' | 'mister' | 'fogger' | 'fan' | 'cutoff';

/**
 * What the output should do; structurally the same as `control/types.ts` `OutputCommand` (devices/
 * may not import control/). `level` 0..1 only for dimmers; `on` with level 0 means off.
 */
export interface ActuatorCommand {
  on: boolean;
  level?: number;
  reason: string;
}

/**
 * The state we believe the output is in. `verified`: `true` read back as written, `false` the last
 * write failed or read back otherwise (then `on` is what was read back, or the previous belief),
 * `undefined` the backend cannot read back (or nothing was written yet).
 */
export interface ActuatorState {
  on: boolean;
  level?: number;
  reason: string;
  verified: boolean | undefined;
}

/**
 * Options of {@link ActuatorComponent}; durations in ms. Shared ones (`retry`, `breaker`,
 * `initTimeoutMs`, `healthyAfterSuccesses`, `onHealthChange`) are documented in `device-core.ts`
 * (3 attempts / 50 ms base / 400 ms cap / 2 s per attempt; breaker opens after 5 failed writes and
 * guards `on` writes only; 10 s to create and initialise; healthy after 3 good in a row).
 */
export interface ActuatorComponentOptions extends Omit<DeviceCoreOptions<SwitchDriver | DimmerDriver>, 'kind' | 'closeDriver'> {
  kind: ActuatorKind;
  /** Builds the driver (not initialised); called by `start()`, `restart()` and `forceOff()` when there is none. */
  createDriver: () => Promise<SwitchDriver | DimmerDriver>;
  /** State driven at start and after a restart (config `startupState`). */
  startupState: 'off' | 'on';
}

function isDimmer(d: SwitchDriver | DimmerDriver): d is DimmerDriver {
  return typeof (d as Partial<DimmerDriver>).setLevel === 'function';
}

/**
 * An output as a health-tracked component: writes on change only, verifies
 * with `readBack()` where the backend can, retries transient errors, and keeps a circuit breaker
 * for `on` writes. Turning off always goes through: `off` commands bypass the breaker and
 * {@link forceOff} also bypasses write-on-change and re-creates a driver that failed to start.
 * While the component is not healthy, or the last write was not verified, an unchanged command is
 * written again (idempotent), which is how a recovered output proves itself healthy.
 * No method throws; every operation is serialised, and a `forceOff` drops commands issued before it.
 */
export class ActuatorComponent {
  readonly id: string;
  readonly enclosureId: string;
  readonly kind: ActuatorKind;
  private stopped = false;
  private believed: ActuatorState = { on: false, reason: 'not started', verified: undefined };
  private offEpoch = 0;
  private pending: { cmd: ActuatorCommand; epoch: number } | null = null;
  private pendingRun: Promise<void> | null = null;
  /** The last failed write failed because the read-back disagreed (the line itself was written). */
  private readBackDisagreed = false;
  private readonly core: DeviceCore<SwitchDriver | DimmerDriver>;

  constructor(private readonly opts: ActuatorComponentOptions) {
    this.id = opts.id;
    this.enclosureId = opts.enclosureId;
    this.kind = opts.kind;
    this.core = new DeviceCore({ ...opts, kind: 'actuator', closeDriver: (d) => d.close() });
  }

  /** Creates and initialises the driver, then drives the startup state. Never throws. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.exclusive(async () => {
      if (await this.open('start')) await this.write(this.startupCommand(), 'verify');
    });
  }

  /**
   * Reconciles the output with `cmd`. Never throws. Only the latest of several queued commands is
   * applied. `on` writes go through the breaker; `off` writes always go through.
   */
  apply(cmd: ActuatorCommand): Promise<void> {
    return this.submit(cmd) ?? Promise.resolve();
  }

  /**
   * {@link apply} for the control tick, which never waits on a write: returns null when nothing had
   * to be written (the output already is as `cmd` says; the new reason is recorded at once), else
   * the promise of the queued write, which settles once it is done (read back, retried).
   */
  submit(cmd: ActuatorCommand): Promise<void> | null {
    // The usual tick: nothing queued or running and nothing to write. Recording the new reason at
    // once is what the queued run would do, without its promise chain (four outputs, every tick).
    if (this.pending === null && !this.stopped && this.core.idle) {
      const want = this.normalise(cmd);
      if (this.settled(want)) {
        if (this.believed.reason !== want.reason) this.believed.reason = want.reason;
        return null;
      }
    }
    const queued = this.pending !== null && this.pendingRun !== null;
    this.pending = { cmd, epoch: this.offEpoch };
    if (queued) return this.pendingRun as Promise<void>;
    const run = this.exclusive(async () => {
      const next = this.pending;
      this.pending = null;
      this.pendingRun = null;
      if (next && next.epoch === this.offEpoch && !this.stopped) await this.reconcile(next.cmd);
    });
    this.pendingRun = run;
    return run;
  }

  /**
   * Drives the output off now, bypassing the breaker and write-on-change; re-creates the driver if
   * it has none (start or restart failed). Commands queued before it are dropped. Returns whether
   * the write succeeded (and read back off where the backend can). Never throws.
   */
  forceOff(reason = 'forced off'): Promise<boolean> {
    this.dropPending();
    return this.exclusive(async () => {
      const ok = await this.driveOff(reason);
      if (this.stopped) await this.close('force off after stop');
      return ok;
    });
  }

  /** The state we believe the output is in (a copy). */
  state(): ActuatorState {
    return { ...this.believed };
  }

  /** The state we believe the output is in, without a copy: read it, do not keep or change it. */
  peek(): Readonly<ActuatorState> {
    return this.believed;
  }

  /** Health snapshot, with the breaker's current state. */
  health(): ComponentHealth {
    return this.core.health();
  }

  /** The last health status transitions, oldest first. */
  healthHistory(): HealthTransition[] {
    return this.core.tracker.history();
  }

  /**
   * Recovery step "restart": closes the driver (drives off, releases the line), creates and
   * initialises it again (self-test), and drives the startup state with read-back. Returns whether
   * it worked (false after `stop()`); never throws. The next `apply` re-drives the wanted state.
   */
  restart(): Promise<boolean> {
    return this.exclusive(async () => {
      if (this.stopped) return false;
      await this.close('restart');
      if (!(await this.open('restart'))) return false;
      return this.write(this.startupCommand(), 'verify');
    });
  }

  /** Drives the output off, then releases the driver. Never throws. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.dropPending();
    await this.exclusive(async () => {
      await this.driveOff('stopping');
      await this.close('stop');
    });
  }

  /** Invalidates commands queued so far: their run finds nothing to do. */
  private dropPending(): void {
    this.offEpoch++;
    this.pending = null;
    this.pendingRun = null;
  }

  private startupCommand(): ActuatorCommand {
    return { on: this.opts.startupState === 'on', reason: 'startup state' };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.core.serial(fn);
  }

  /** The output already is as `want` says, verified where the backend can, and healthy: no write needed. */
  private settled(want: ActuatorCommand): boolean {
    const b = this.believed;
    const unchanged = b.on === want.on && (!want.on || b.level === want.level);
    return unchanged && b.verified !== false && this.core.tracker.status === 'healthy';
  }

  private async reconcile(cmd: ActuatorCommand): Promise<void> {
    const want = this.normalise(cmd);
    if (this.settled(want)) {
      this.believed = { ...this.believed, reason: want.reason };
      return;
    }
    if (!want.on) {
      await this.driveOff(want.reason, 'apply');
      return;
    }
    if (!this.core.ready || !this.core.driver) return; // failed: the supervisor restarts it
    if (!this.core.breaker.canAttempt()) return;
    await this.write(want, 'breaker');
  }

  /** Clamps `level` to 0..1; `on` with level 0 is off; a switch has no level. */
  private normalise(cmd: ActuatorCommand): ActuatorCommand {
    if (!this.core.driver || !isDimmer(this.core.driver)) return { on: cmd.on, reason: cmd.reason };
    if (!cmd.on) return { on: false, level: 0, reason: cmd.reason };
    const level = Math.min(1, Math.max(0, cmd.level ?? 1));
    return level > 0 ? { on: true, level, reason: cmd.reason } : { on: false, level: 0, reason: cmd.reason };
  }

  /** Writes off, re-creating the driver first if there is none. `apply` mode feeds the breaker. */
  private async driveOff(reason: string, mode: 'apply' | 'force' = 'force'): Promise<boolean> {
    if ((!this.core.ready || !this.core.driver) && !(await this.open(`off (${reason})`))) return false;
    const ok = await this.write(this.normalise({ on: false, reason }), mode === 'apply' ? 'breaker' : 'force');
    if (!ok && mode === 'apply' && this.believed.verified === false && this.believed.on && !this.readBackDisagreed) await this.reopenAfterFailedOff();
    return ok;
  }

  /**
   * Turning off must go through: when an `off` write failed every retry (not a read-back that
   * disagreed: then the line was written and the relay itself is stuck, which the belief keeps),
   * the output is re-opened at once, as a restart would (release, request the line anew at its
   * off startup level, self-test), instead of waiting for the supervisor. Only for outputs whose
   * startup state is off: re-opening drives the startup state. The failure stays in the health.
   */
  private async reopenAfterFailedOff(): Promise<void> {
    if (this.opts.startupState !== 'off') return;
    const failure = this.believed.reason;
    if (!(await this.open('off write failed: re-opened at off'))) return;
    this.believed = { on: false, reason: `${failure}; re-opened at off`, verified: true };
  }

  /**
   * One write with retry and read-back. `breaker`: the outcome feeds the breaker; `verify`
   * (start/restart): success closes the breaker, failure is fatal; `force`: breaker untouched,
   * failure fatal (an output that cannot be turned off is failed).
   */
  private async write(cmd: ActuatorCommand, mode: 'breaker' | 'verify' | 'force'): Promise<boolean> {
    const { tracker, breaker } = this.core;
    const driver = this.core.driver as SwitchDriver | DimmerDriver;
    const what = cmd.on ? (cmd.level !== undefined ? `level ${cmd.level}` : 'on') : 'off';
    let retries = 0;
    try {
      const verified = await this.core.retrying(
        async () => {
          if (cmd.on && cmd.level !== undefined && isDimmer(driver)) await driver.setLevel(cmd.level);
          else await driver.set(cmd.on);
          const back = await driver.readBack();
          if (back !== undefined && back !== cmd.on) throw new ReadBackMismatchError(this.id, cmd.on, back);
          return back === undefined ? undefined : true;
        },
        `${driver.description} write ${what}`,
        () => retries++,
      );
      this.believed = { ...cmd, verified };
      tracker.recordSuccess({ retries });
      if (mode === 'breaker') breaker.recordSuccess();
      if (mode === 'verify') breaker.forceClosed();
      return true;
    } catch (err) {
      this.readBackDisagreed = err instanceof ReadBackMismatchError;
      const prev = this.believed;
      this.believed =
        err instanceof ReadBackMismatchError
          ? { on: err.actual, reason: `wrote ${what} but read back ${err.actual ? 'on' : 'off'} (${cmd.reason})`, verified: false }
          : { on: prev.on, ...(prev.level !== undefined ? { level: prev.level } : {}), reason: `write ${what} failed, believed still ${prev.on ? 'on' : 'off'}: ${describeError(err)}`, verified: false };
      tracker.recordFailure(err, { retries, context: `write ${what}`, fatal: mode !== 'breaker' });
      if (mode === 'breaker') breaker.recordFailure();
      this.opts.log.warn({ ...this.core.fields(), err: describeError(err) }, `actuator ${this.id}: write ${what} failed`);
      return false;
    }
  }


  /** Creates and initialises a driver; on failure the belief is marked unverified with the reason. */
  private async open(context: string): Promise<boolean> {
    if (await this.core.open(context)) return true;
    this.believed = { ...this.believed, reason: `no working driver: ${this.core.tracker.health().lastError ?? 'unknown error'}`, verified: false };
    return false;
  }

  private close(context: string): Promise<void> {
    return this.core.close(context);
  }
}
