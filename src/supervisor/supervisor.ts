import type { Logger } from 'pino';
import { makeFault } from '../control/faults.js';
import type { Fault } from '../control/types.js';
import { describeError } from '../errors.js';
import { withTimeout, type Clock, type TimerHandle } from '../hal/clock.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import { TimeoutError } from '../resilience/retry.js';
import { afterAction, DEFAULT_LADDER, dueAction, type LadderPolicy, type LadderState, type RecoveryStep, startLadder } from './recovery-ladder.js';

/** A component the supervisor can act on: its health and its real recovery actions. */
export interface Recoverable {
  readonly id: string;
  health(): ComponentHealth;
  /** Soft reset of the device (BME280 0xB6, PCA9685 re-init); returns whether it is back. */
  reset?(): Promise<boolean>;
  /** Close and reopen the bus/line, re-run the self-test; returns whether it is back. */
  restart(): Promise<boolean>;
}

/** A finished or ongoing recovery, for the history and the report. Wall ms. */
export interface RecoveryEvent {
  enclosureId: string | null;
  component: string;
  fault: string;
  strategy: RecoveryStep;
  startedAt: number;
  endedAt: number | null;
  outcome: 'recovered' | 'failed' | 'escalated' | 'pending';
}

export interface SupervisorOptions {
  clock: Clock;
  log: Logger;
  /** Every component to watch, by enclosure id (`null` for controller-wide ones). */
  components: () => Array<{ enclosureId: string | null; component: Recoverable }>;
  /** Called for every recovery step and outcome (persisted, bounded, by the app). */
  onRecovery: (ev: RecoveryEvent) => void;
  /** How often the ladder is checked, ms; default 1000. */
  intervalMs?: number;
  policy?: Partial<LadderPolicy>;
}

/**
 * The recovery loop: beside the control ticks, on its own timer, it walks
 * each failed component up the escalation ladder (a merely degraded one, still delivering with
 * retries, is left to its retries): retry (the component's own retries and
 * breaker) -> reset -> restart -> fallback (the control layer already runs the fallback rule
 * while readings are not ok; restarts go on with doubling waits) -> manual (a latched
 * `component-failed` fault for a person). Recovery never gives up: in `manual` the restarts go
 * on, backing off to `slowRestartIntervalMs`, however long the component has been gone.
 * Every action runs on the real driver, with a timeout, and never blocks a control tick.
 * A component that becomes healthy again ends its ladder, with `recovered` in the history, and is
 * used again at once (its readings are `ok` again). The `component-failed` fault of one that
 * reached `manual` stays as a record until acknowledged (the app keeps it with the enclosure's
 * latched faults), but it does not hold the component back. {@link Supervisor.restoreManual}
 * brings the ladder back after a restart, still retrying.
 */
export class Supervisor {
  private readonly ladders = new Map<string, { enclosureId: string | null; state: LadderState }>();
  private readonly policy: LadderPolicy;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly busy = new Set<string>();

  constructor(private readonly o: SupervisorOptions) {
    this.policy = { ...DEFAULT_LADDER, ...o.policy };
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.running = this.check().finally(() => this.schedule());
    }, this.o.intervalMs ?? 1000);
  }

  private key(enclosureId: string | null, id: string): string {
    return `${enclosureId ?? '*'}/${id}`;
  }

  /** One pass over every component; actions run concurrently with the ticks. */
  async check(): Promise<void> {
    const mono = this.o.clock.monotonic();
    const now = this.o.clock.now();
    const actions: Promise<void>[] = [];
    for (const { enclosureId, component } of this.o.components()) {
      const key = this.key(enclosureId, component.id);
      if (this.busy.has(key)) continue;
      const h = component.health();
      const ladder = this.ladders.get(key);
      if (h.status !== 'failed' && h.status !== 'degraded') {
        // Back: the ladder ends, also one latched for a person (its latched fault stays as a record
        // with the enclosure's latched faults until acknowledged).
        if (ladder && h.status === 'healthy') {
          this.ladders.delete(key);
          this.o.log.info({ enclosure: enclosureId, component: component.id, afterMs: mono - ladder.state.detectedMono, step: ladder.state.step }, `${component.id} recovered`);
          this.o.onRecovery({ enclosureId, component: component.id, fault: ladder.state.fault, strategy: ladder.state.step, startedAt: ladder.state.detectedAt, endedAt: now, outcome: 'recovered' });
        }
        continue;
      }
      // A degraded component still delivers (its own retries absorbed the errors): no fault yet.
      // A ladder starts only when it fails (breaker open, init or a fatal error), so the history
      // and the derived figures count real faults, not every retried transfer.
      if (!ladder && h.status !== 'failed') continue;
      if (!ladder) {
        const fault = h.reason ?? h.lastError ?? h.status;
        this.ladders.set(key, { enclosureId, state: startLadder(mono, now, fault, this.policy) });
        this.o.log.warn({ enclosure: enclosureId, component: component.id, status: h.status, reason: fault }, `${component.id} ${h.status}: recovery started`);
        this.o.onRecovery({ enclosureId, component: component.id, fault, strategy: 'retry', startedAt: now, endedAt: null, outcome: 'pending' });
        continue;
      }
      // A degraded component that still delivers gets time; only failed ones are acted on.
      if (h.status !== 'failed') continue;
      const action = dueAction(ladder.state, mono, typeof component.reset === 'function', this.policy);
      if (!action) continue;
      actions.push(this.act(key, enclosureId, component, ladder.state, action));
    }
    await Promise.all(actions);
  }

  private async act(key: string, enclosureId: string | null, c: Recoverable, s: LadderState, action: 'reset' | 'restart' | 'manual'): Promise<void> {
    const now = this.o.clock.now();
    if (action === 'manual') {
      const ladder = this.ladders.get(key);
      if (ladder) ladder.state = afterAction(s, 'manual', this.o.clock.monotonic(), this.policy);
      this.o.log.error({ enclosure: enclosureId, component: c.id, fault: s.fault }, `${c.id} did not recover: latched for a person; restarts go on every ${Math.round(this.policy.slowRestartIntervalMs / 60_000)} min at most`);
      this.o.onRecovery({ enclosureId, component: c.id, fault: s.fault, strategy: 'manual', startedAt: now, endedAt: now, outcome: 'escalated' });
      return;
    }
    this.busy.add(key);
    let ok = false;
    try {
      const op = action === 'reset' && c.reset ? c.reset() : c.restart();
      ok = await withTimeout(this.o.clock, op, this.policy.actionTimeoutMs, () => new TimeoutError(`${c.id} ${action}`, this.policy.actionTimeoutMs));
    } catch (e) {
      this.o.log.warn({ enclosure: enclosureId, component: c.id, action, err: describeError(e) }, `${c.id} ${action} failed`);
    } finally {
      this.busy.delete(key);
    }
    const ended = this.o.clock.now();
    this.o.onRecovery({ enclosureId, component: c.id, fault: s.fault, strategy: action, startedAt: now, endedAt: ended, outcome: ok ? 'recovered' : 'failed' });
    const ladder = this.ladders.get(key);
    if (!ladder) return;
    if (ok) {
      this.o.log.info({ enclosure: enclosureId, component: c.id, action }, `${c.id} ${action} succeeded`);
      // Leave the ladder in place until health reports healthy (next checks), at the same step.
      ladder.state = { ...ladder.state, nextAt: this.o.clock.monotonic() + this.policy.retryWaitMs };
      return;
    }
    const before = ladder.state.step;
    ladder.state = afterAction(ladder.state, action, this.o.clock.monotonic(), this.policy);
    if (before !== 'fallback' && ladder.state.step === 'fallback') {
      this.o.log.warn({ enclosure: enclosureId, component: c.id }, `${c.id} still failed: fallback in force, restarts continue`);
      this.o.onRecovery({ enclosureId, component: c.id, fault: s.fault, strategy: 'fallback', startedAt: ended, endedAt: null, outcome: 'pending' });
    }
  }

  /** Latched `component-failed` faults of components that reached "manual", for one enclosure. */
  faults(enclosureId: string | null): Fault[] {
    const out: Fault[] = [];
    for (const [key, l] of this.ladders) {
      if (l.enclosureId !== enclosureId || l.state.step !== 'manual') continue;
      const id = key.slice(key.indexOf('/') + 1);
      out.push(makeFault('component-failed', id, l.state.detectedAt, true, `${id} failed and did not recover (${l.state.fault}); check it, then acknowledge`));
    }
    return out;
  }

  /** Where each unhealthy component is on its ladder (status, telemetry). */
  ladderSteps(): Array<{ enclosureId: string | null; component: string; step: RecoveryStep; fault: string }> {
    return [...this.ladders].map(([key, l]) => ({ enclosureId: l.enclosureId, component: key.slice(key.indexOf('/') + 1), step: l.state.step, fault: l.state.fault }));
  }

  /**
   * Restores a component latched for a person by an earlier process (the latch is persisted with
   * the enclosure's latched faults): its ladder resumes in `manual`, restarting at the slow
   * cadence until the component is healthy. Call before {@link start}. `detectedAt` is the wall ms
   * of the original detection.
   */
  restoreManual(enclosureId: string | null, componentId: string, detectedAt: number, fault: string): void {
    const mono = this.o.clock.monotonic();
    const state: LadderState = { ...startLadder(mono, detectedAt, fault, this.policy), step: 'manual', fallbackSince: mono, nextAt: mono + this.policy.maxRestartIntervalMs, restartIntervalMs: this.policy.maxRestartIntervalMs };
    this.ladders.set(this.key(enclosureId, componentId), { enclosureId, state });
  }

  /** Acknowledgement: components latched in "manual" start their ladder again (fast restarts first). */
  acknowledge(enclosureId: string | null): void {
    for (const [key, l] of this.ladders) {
      if (l.enclosureId === enclosureId && l.state.step === 'manual') this.ladders.delete(key);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }
}
