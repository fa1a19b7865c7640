import type { ControlEvent } from '../control/types.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import type { TelemetryOptions, TelemetryStatus } from './options.js';
import { type CommandHandler, type CommandResultDoc, createCommandIntake } from './command-handler.js';
import { TelemetrySession } from './session.js';

export type { CommandResult, CommandSink } from './sink.js';
export type { ConnectFn } from './connection.js';
export { outboxFile, outboxOptions, type TelemetryOptions, type TelemetryStatus } from './options.js';

/**
 * MQTT telemetry: retained availability/state/health, readings and
 * events through the SQLite outbox, Home Assistant discovery, and commands. Every method the
 * control loop calls is synchronous and never waits on the network. Without an `mqtt` section in
 * the config it is inert: every call is a cheap no-op and nothing is written to the outbox.
 */
export class Telemetry {
  private session: TelemetrySession | null = null;
  private readonly intake: CommandHandler;
  private readonly ownsIntake: boolean;

  constructor(private readonly opts: TelemetryOptions) {
    this.ownsIntake = opts.intake === undefined;
    this.intake = opts.intake ?? createCommandIntake(opts.config, { sink: opts.sink, clock: opts.clock, log: opts.log, respond: (enc, r, qos) => this.publishResult(enc, r, qos) });
  }

  /**
   * Opens the outbox and starts connecting in the background. Returns at once; never throws for a
   * missing or refusing broker (see {@link status}).
   * @throws SqliteStoreError when the outbox file cannot be opened (a bad state directory)
   */
  async start(): Promise<void> {
    const m = this.opts.config.mqtt;
    if (!m || this.session) return;
    this.opts.outbox.open();
    this.session = new TelemetrySession(this.opts, m, this.intake);
    this.session.start();
  }

  /**
   * Called every tick; O(outputs + faults). Keeps the latest state, publishes it retained on a
   * visible change (mode, phase, setpoint, outputs, faults, health) or every
   * `publishIntervalSeconds`, and stores one reading per interval in the outbox.
   */
  publishSnapshot(s: EnclosureSnapshot): void {
    this.session?.snapshot(s);
  }

  /** Component health, retained per enclosure and controller-wide, republished only on change. */
  publishHealth(h: ComponentHealth[]): void {
    this.session?.healthOf(h);
  }

  /** An event (fault, recovery, feed, mode change...) into the outbox; `null` = controller-wide. */
  publishEvent(enclosureId: string | null, event: ControlEvent | { type: string; [k: string]: unknown }): void {
    this.session?.event(enclosureId, event as { type: string; [k: string]: unknown });
  }

  /**
   * Called once per tick: runs up to `max` queued, already-validated commands through the sink
   * and publishes their results (only when telemetry keeps its own intake; a shared intake is
   * drained by its owner), then republishes the state of enclosures whose commands were answered.
   * The queue holds at most 32; the overflow is refused and counted.
   * @returns how many ran
   */
  drainCommands(max: number): number {
    return this.session?.drain(this.ownsIntake ? max : 0) ?? 0;
  }

  /** Publishes one command result on `<base>/<enclosureId>/result` (no-op before start). */
  publishResult(enclosureId: string, result: CommandResultDoc, qos: 0 | 1): void {
    this.session?.publishResult(enclosureId, result, qos);
  }

  status(): TelemetryStatus {
    return this.session?.status() ?? { connected: false, authFailed: false, outboxPending: 0, outboxDropped: 0, commandsDropped: 0, attempts: 0 };
  }

  /**
   * The broker link as a health component (`id: "mqtt"`, kind `broker`, controller-wide) for the
   * health registry: `healthy` connected, `degraded` reconnecting, `failed` login refused,
   * `unknown` before the first attempt or without an `mqtt` section. Counters: `reads`
   * successful connections, `failures` attempts that never connected, `retries` attempts after
   * the first, `recoveries` reconnections.
   */
  brokerHealth(): ComponentHealth {
    const s = this.status();
    const l = this.session?.linkStatus();
    const status = !l ? 'unknown' : s.connected ? 'healthy' : s.authFailed ? 'failed' : s.attempts === 0 ? 'unknown' : 'degraded';
    return {
      id: 'mqtt',
      enclosureId: null,
      kind: 'broker',
      status,
      ...(status !== 'healthy' && s.lastError ? { reason: s.lastError } : {}),
      lastSuccessAt: l?.lastConnectAt ?? null,
      lastErrorAt: l?.lastErrorAt ?? null,
      ...(s.lastError ? { lastError: s.lastError } : {}),
      counters: { reads: l?.connects ?? 0, failures: l?.failedAttempts ?? 0, retries: Math.max(0, s.attempts - 1), recoveries: Math.max(0, (l?.connects ?? 0) - 1) },
    };
  }

  /**
   * Flushes the outbox for at most 3 s, publishes retained `offline` itself (a clean DISCONNECT
   * does not fire the LWT), disconnects, and releases every timer. Does not close the outbox.
   */
  async stop(): Promise<void> {
    const s = this.session;
    this.session = null;
    await s?.stop();
  }
}
