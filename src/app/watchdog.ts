import { describeError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { Notifier } from './systemd-notify.js';

/** Whether the control loop makes progress; `reason` says why not (one line). */
export interface LoopHealth {
  ok: boolean;
  reason?: string;
}

/** What the watchdog tells its owner (for the log); emitted on transitions, not on every ping. */
export type WatchdogEvent =
  | { type: 'withheld'; reason: string }
  | { type: 'resumed' }
  | { type: 'ping-failed'; error: unknown };

/** Default bound on event-loop lag, ms: above it the loop is not responsive enough to be "alive". */
export const DEFAULT_MAX_LAG_MS = 5_000;
/** Default period of the lag probe timer, ms. */
export const DEFAULT_LAG_PROBE_MS = 1_000;
/** Lag samples kept for {@link Watchdog.eventLoopLagMs} (30 probes: the last 30 s by default). */
const LAG_WINDOW = 30;

/** Dependencies and settings of {@link Watchdog}. */
export interface WatchdogOptions {
  clock: Clock;
  notifier: Pick<Notifier, 'watchdog' | 'status'>;
  /** Keep-alive period, ms (`watchdogIntervalMs(env, pid)`: WATCHDOG_USEC / 3, or 20 s). */
  intervalMs: number;
  /** Progress of the control loop, asked before each ping (e.g. {@link tickProgress}). */
  isHealthy: () => LoopHealth;
  /** Largest event-loop lag since the previous ping that still allows a ping, ms. */
  maxLagMs?: number;
  /** Lag probe period, ms. */
  lagProbeMs?: number;
  /** Told when pings are withheld, resume, or fail. Must not throw. */
  onEvent?: (event: WatchdogEvent) => void;
}

/**
 * Sends `WATCHDOG=1` every `intervalMs`, but only while the controller is healthy, so systemd
 * (`WatchdogSec=`) kills and restarts a wedged controller (the watchdog is tied to
 * progress, not to a free-running timer). Before each ping it asks `isHealthy()` (a tick completed
 * recently) and checks the event-loop lag measured since the previous ping.
 *
 * Lag is measured on the injected clock: a probe timer is set for `lagProbeMs` and, when it fires,
 * lag = (now - when it was due). The ping timer is measured the same way. A fully blocked loop
 * fires nothing at all, so no ping goes out and systemd acts.
 * Withholding and resuming set `STATUS=` (shown by `systemctl status`) and emit an event, once per
 * transition. A failed ping is reported through `onEvent` and retried at the next period.
 */
export class Watchdog {
  private running = false;
  private pingTimer: TimerHandle | undefined;
  private probeTimer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private withheld = false;
  private maxLagSincePing = 0;
  private readonly lags: number[] = [];

  constructor(private readonly opts: WatchdogOptions) {}

  /** Starts the ping and lag-probe timers; the first ping is due after one interval. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.maxLagSincePing = 0;
    this.scheduleProbe();
    this.schedulePing();
  }

  /** Cancels both timers and waits for a ping in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.pingTimer?.cancel();
    this.probeTimer?.cancel();
    await this.inFlight;
  }

  /** Largest event-loop lag over the last {@link LAG_WINDOW} probes, ms; `undefined` before the first. */
  eventLoopLagMs(): number | undefined {
    return this.lags.length ? Math.max(...this.lags) : undefined;
  }

  /** True while pings are being withheld. */
  isWithholding(): boolean {
    return this.withheld;
  }

  private recordLag(lagMs: number): void {
    const lag = Math.max(0, lagMs);
    this.lags.push(lag);
    if (this.lags.length > LAG_WINDOW) this.lags.shift();
    this.maxLagSincePing = Math.max(this.maxLagSincePing, lag);
  }

  private scheduleProbe(): void {
    const period = this.opts.lagProbeMs ?? DEFAULT_LAG_PROBE_MS;
    const due = this.opts.clock.monotonic() + period;
    this.probeTimer = this.opts.clock.setTimeout(() => {
      this.recordLag(this.opts.clock.monotonic() - due);
      if (this.running) this.scheduleProbe();
    }, period);
  }

  private schedulePing(): void {
    const due = this.opts.clock.monotonic() + this.opts.intervalMs;
    this.pingTimer = this.opts.clock.setTimeout(() => {
      this.recordLag(this.opts.clock.monotonic() - due);
      if (!this.running) return;
      this.schedulePing();
      if (this.inFlight) {
        void this.transition('withheld', 'the previous watchdog ping has not finished');
        return;
      }
      this.inFlight = this.check().finally(() => {
        this.inFlight = undefined;
      });
    }, this.opts.intervalMs);
  }

  /** Decides and, when healthy, pings. Never rejects: failures go to `onEvent`. */
  private async check(): Promise<void> {
    const maxLag = this.opts.maxLagMs ?? DEFAULT_MAX_LAG_MS;
    const lag = this.maxLagSincePing;
    this.maxLagSincePing = 0;
    let health: LoopHealth;
    try {
      health = this.opts.isHealthy();
    } catch (e) {
      health = { ok: false, reason: `health check threw: ${describeError(e)}` };
    }
    if (!health.ok) return this.transition('withheld', health.reason ?? 'control loop unhealthy');
    if (lag > maxLag) return this.transition('withheld', `event-loop lag ${Math.round(lag)} ms > ${maxLag} ms`);
    await this.transition('resumed');
    try {
      await this.opts.notifier.watchdog();
    } catch (e) {
      this.opts.onEvent?.({ type: 'ping-failed', error: e });
    }
  }

  /** Records a withhold/resume; emits and updates STATUS= only when the state changes. */
  private async transition(to: 'withheld' | 'resumed', reason = ''): Promise<void> {
    const withhold = to === 'withheld';
    if (withhold === this.withheld) return;
    this.withheld = withhold;
    this.opts.onEvent?.(withhold ? { type: 'withheld', reason } : { type: 'resumed' });
    try {
      await this.opts.notifier.status(withhold ? `watchdog withheld: ${reason}` : 'running');
    } catch (e) {
      this.opts.onEvent?.({ type: 'ping-failed', error: e });
    }
  }
}

/** Settings of {@link tickProgress}. */
export interface TickProgressOptions {
  clock: Clock;
  /** Monotonic ms when the last control tick completed (`TickLoop.lastCompletedAt`); `undefined` before the first. */
  lastCompletedAt: () => number | undefined;
  /** Monotonic ms the loop started: the grace period before the first tick counts from here. */
  startedAt: number;
  /** Control tick period, ms (`controller.tickMs`). */
  periodMs: number;
  /** Periods without a completed tick before the loop counts as stalled (default 3). */
  periods?: number;
  /** Floor of the allowed age, ms (default 10 s), so a fast tick with one slow sensor retry is not "stalled". */
  minAgeMs?: number;
}

/**
 * `isHealthy` for {@link Watchdog}: healthy while a control tick completed within
 * max(`periods` x `periodMs`, `minAgeMs`) of monotonic time (counting from `startedAt` before the
 * first tick). With the default 1 s tick that is 10 s; with a 60 s tick, 180 s.
 */
export function tickProgress(o: TickProgressOptions): () => LoopHealth {
  const maxAge = Math.max((o.periods ?? 3) * o.periodMs, o.minAgeMs ?? 10_000);
  return () => {
    const last = o.lastCompletedAt();
    const age = o.clock.monotonic() - (last ?? o.startedAt);
    if (age <= maxAge) return { ok: true };
    const what = last === undefined ? 'no control tick has completed' : 'no control tick completed';
    return { ok: false, reason: `${what} for ${Math.round(age / 1000)} s (limit ${Math.round(maxAge / 1000)} s)` };
  };
}
