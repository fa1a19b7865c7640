import { TerrariumError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { MqttLink } from '../hal/mqtt-link.js';

/**
 * A network smart plug did not do what it was told: `unreachable` (its last will says offline, or
 * the broker link is down: permanent for the call, the supervisor's recovery acts) or `unconfirmed`
 * (no state report with the commanded state within the confirmation time: transient, retried),
 * `refused` (the plug answered with an error).
 */
export class PlugError extends TerrariumError {
  readonly category: 'transient' | 'permanent';
  constructor(
    readonly kind: 'unreachable' | 'unconfirmed' | 'refused',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('PLUG_IO', message, options);
    this.category = kind === 'unconfirmed' ? 'transient' : 'permanent';
  }
}

/** What every plug driver needs: the broker link, the clock, and its dead-man and timing settings. */
export interface PlugOptions {
  link: MqttLink;
  clock: Clock;
  /**
   * The plug's own auto-off, s (0 = none): after an ON it switches itself off this long later unless
   * the controller renews it, so a dead Pi, network or controller cannot leave a heater on.
   */
  deadManSeconds: number;
  /** How long to wait for the plug's state report after a command, ms; default 5000. */
  confirmTimeoutMs?: number;
}

/** Default wait for a plug's confirmation, ms (Tasmota answers within ~100 ms on a home network). */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 5000;

/**
 * The state a plug driver tracks from the plug's own reports, with waiting for a report and the
 * dead-man renewal timer. Safety rule: while the plug has not confirmed a state (never reported,
 * offline), {@link believedOn} says `true`: an unconfirmed heater is assumed on for every safety
 * decision until the plug confirms off.
 */
export class PlugTracker {
  /** The last state the plug reported; undefined before its first report. */
  state: boolean | undefined;
  /** From the plug's last will / online topic; undefined until it said anything. */
  online: boolean | undefined;
  private readonly waiters = new Set<() => void>();
  private renewTimer: TimerHandle | undefined;
  private subs: Array<() => void> = [];

  constructor(
    private readonly o: PlugOptions,
    private readonly description: string,
  ) {}

  /** Records a state report and wakes whoever waits for one. */
  report(on: boolean): void {
    this.state = on;
    for (const w of [...this.waiters]) w();
  }

  /** Wakes whoever waits, without a state change (an RPC reply arrived). */
  poke(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Records availability (LWT / online topic). */
  setOnline(online: boolean): void {
    this.online = online;
    for (const w of [...this.waiters]) w();
  }

  /** The state for safety decisions and read-back: the reported one, `true` while unknown or offline. */
  believedOn(): boolean {
    return this.online === false || this.state === undefined ? true : this.state;
  }

  /**
   * Resolves once `done()` holds after a report; rejects with `PlugError('unconfirmed')` after the
   * confirmation time, or `unreachable` when the plug says it went offline meanwhile.
   */
  waitFor(done: () => boolean, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    const ms = this.o.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const finish = (err?: Error): void => {
        this.waiters.delete(check);
        timer.cancel();
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (done()) finish();
        else if (this.online === false) finish(new PlugError('unreachable', `${this.description}: went offline while waiting for ${what}`));
      };
      const timer = this.o.clock.setTimeout(() => finish(new PlugError('unconfirmed', `${this.description}: no confirmation of ${what} within ${ms} ms`)), ms);
      this.waiters.add(check);
    });
  }

  /** Rejects with `PlugError('unreachable')` when the plug's last will says offline or the link is down. */
  assertReachable(): void {
    if (!this.o.link.connected) throw new PlugError('unreachable', `${this.description}: not connected to the MQTT broker`);
    if (this.online === false) throw new PlugError('unreachable', `${this.description}: the plug is offline (its last will)`);
  }

  /**
   * While the plug is on with a dead-man, calls `renew` every third of the dead-man time (each
   * renewal restarts the plug's auto-off); stops when off. Renewal failures are left to the next
   * renewal and to the component's own verification.
   */
  keepAlive(on: boolean, renew: () => Promise<void>): void {
    this.renewTimer?.cancel();
    this.renewTimer = undefined;
    if (!on || this.o.deadManSeconds <= 0) return;
    const every = (this.o.deadManSeconds * 1000) / 3;
    const tick = (): void => {
      this.renewTimer = this.o.clock.setTimeout(() => {
        renew().catch(() => undefined);
        tick();
      }, every);
    };
    tick();
  }

  /** Keeps the unsubscribe functions of the driver's subscriptions, for {@link release}. */
  hold(subs: Array<() => void>): void {
    this.subs = subs;
  }

  /**
   * Closing a plug driver: stops renewing the dead-man, asks the plug for off with `off()` (best
   * effort, only while connected) and drops the subscriptions. No-op when nothing is held.
   */
  async release(off: () => Promise<void>): Promise<void> {
    this.stop();
    if (this.subs.length === 0) return;
    const subs = this.subs;
    this.subs = [];
    try {
      if (this.o.link.connected) await off();
    } finally {
      for (const u of subs) u();
    }
  }

  /** Stops the renewal timer (close). */
  stop(): void {
    this.renewTimer?.cancel();
    this.renewTimer = undefined;
  }
}

/** Parses an on/off word as Tasmota and Shelly report it (`ON`/`OFF`, `1`/`0`, `true`/`false`); undefined otherwise. */
export function parseOnOff(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'on' || s === '1' || s === 'true') return true;
  if (s === 'off' || s === '0' || s === 'false') return false;
  return undefined;
}
