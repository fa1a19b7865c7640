import { dirname } from 'node:path';
import mqtt from 'mqtt';
import type { CommandKind, MqttConfig } from '../config/mqtt-schema.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import { describeError } from '../errors.js';
import { type TimerHandle, withTimeout } from '../hal/clock.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import { redactUrl } from '../redact-url.js';
import { buildClientOptions, passwordFileWarning } from './client-options.js';
import type { CommandHandler, CommandResultDoc } from './command-handler.js';
import { MqttLink } from './connection.js';
import { buildDiscovery, EXPIRE_AFTER_INTERVALS } from './discovery.js';
import { DiscoveryPublisher } from './discovery-publisher.js';
import { MqttConnectionError } from './errors.js';
import { HealthPublisher } from './health-publisher.js';
import type { TelemetryOptions, TelemetryStatus } from './options.js';
import { OutboxDrainer } from './outbox-drain.js';
import { eventPayload, iso } from './payloads.js';
import { SnapshotPublisher } from './snapshot-publisher.js';
import { TopicTree } from './topics.js';

/** Home Assistant is answered 0..5 s after its birth message (ha-mqtt-discovery.md §1, "do both"), ms. */
const HA_BIRTH_JITTER_MS = 5000;
/** Bound on the flush of the outbox at stop, and on each close step, ms. */
const STOP_FLUSH_MS = 3000;
const STOP_STEP_MS = 2000;
/** Outbox loss is logged at most this often, ms (a long outage would repeat it at every reading). */
const LOSS_LOG_EVERY_MS = 600_000;

/**
 * One started telemetry (between `Telemetry.start()` and `stop()`): wires the link, the outbox
 * drainer, the publishers and the command handler, and reacts to connects and messages.
 */
export class TelemetrySession {
  private readonly topics: TopicTree;
  private readonly link: MqttLink;
  private readonly drainer: OutboxDrainer;
  private readonly snapshots: SnapshotPublisher;
  private readonly health: HealthPublisher;
  private readonly discovery: DiscoveryPublisher;
  private readonly commands: CommandHandler;
  private haTimer: TimerHandle | null = null;
  private enqueueFailures = 0;
  private lastStoreError: string | undefined;
  private loggedDropped = 0;
  private lastDropLogAt: number | null = null;
  private readonly allowed: ReadonlySet<CommandKind>;
  /** Enclosures whose state is republished after this drain (a command was answered). */
  private readonly stateDirty = new Set<string>();

  /** Builds the parts (no I/O, no timers: `start()` connects). */
  constructor(
    private readonly opts: TelemetryOptions,
    private readonly mqttConfig: MqttConfig,
    commands: CommandHandler,
  ) {
    const m = mqttConfig;
    const { config, clock, random, log, outbox } = opts;
    const topics = new TopicTree(m.baseTopic, config.controller.id, m.discoveryPrefix);
    const baseDir = config.file === '<inline>' ? process.cwd() : dirname(config.file);
    const intervalMs = m.publishIntervalSeconds * 1000;
    const link = new MqttLink({
      url: m.url,
      clientOptions: () => buildClientOptions(m, config.controller.id, topics.availability, baseDir, opts.secrets),
      connect: opts.connect ?? ((url, o) => mqtt.connect(url, o)),
      clock,
      random,
      log,
      reconnect: m.reconnect,
      negotiateVersion: m.protocolVersion === undefined,
      onConnect: () => this.onConnect(),
      onMessage: (topic, payload, retain) => this.onMessage(topic, payload, retain),
      onDown: () => {
        this.drainer.reset();
        this.discovery.cancel();
      },
    });
    this.topics = topics;
    this.link = link;
    this.drainer = new OutboxDrainer(outbox, link, log);
    const seq = (): number => this.seq();
    this.snapshots = new SnapshotPublisher({ topics, clock, link, intervalMs, enqueueReading: (enc, payload, at) => this.onReading(enc, payload, at), extra: (enc) => this.stateExtra(enc) });
    this.health = new HealthPublisher({ topics, clock, link, intervalMs, seq });
    this.allowed = new Set(m.commandsEnabled ? m.allowedCommands : []);
    const messages = buildDiscovery(config, topics, {
      swVersion: opts.swVersion ?? '0.1.0',
      commandsEnabled: this.allowed.size > 0,
      allowedCommands: this.allowed,
      expireAfterSeconds: EXPIRE_AFTER_INTERVALS * m.publishIntervalSeconds,
    });
    this.discovery = new DiscoveryPublisher({ messages, topics, link, outbox, clock, log });
    this.commands = commands;
  }

  start(): void {
    this.opts.log.info({ url: redactUrl(this.mqttConfig.url), base: this.topics.base }, 'mqtt telemetry starting');
    const config = this.opts.config;
    const warning = passwordFileWarning(this.mqttConfig, config.file === '<inline>' ? process.cwd() : dirname(config.file));
    if (warning) this.opts.log.warn(warning);
    this.link.start();
  }

  snapshot(s: EnclosureSnapshot): void {
    this.snapshots.onSnapshot(s);
  }

  healthOf(h: ComponentHealth[]): void {
    this.health.onHealth(h);
  }

  event(enclosureId: string | null, event: { type: string; [k: string]: unknown }): void {
    const now = this.opts.clock.now();
    this.store(this.topics.event(enclosureId), eventPayload(enclosureId, event, now), now);
  }

  /** Runs up to `max` queued commands (0: none, the controller drains them), then republishes the state of enclosures whose commands were answered. */
  drain(max: number): number {
    const n = max > 0 ? this.commands.drain(max) : 0;
    for (const enc of this.stateDirty) this.snapshots.republish(enc);
    this.stateDirty.clear();
    return n;
  }

  linkStatus(): ReturnType<MqttLink['status']> {
    return this.link.status();
  }

  status(): TelemetryStatus {
    const l = this.link.status();
    let pending = 0;
    let dropped = this.enqueueFailures;
    try {
      pending = this.opts.outbox.pending();
      dropped += this.opts.outbox.dropped();
    } catch (e) {
      this.lastStoreError = describeError(e);
    }
    const lastError = l.lastError ?? this.drainer.lastFailure() ?? this.lastStoreError;
    return {
      connected: l.connected,
      ...(lastError ? { lastError } : {}),
      authFailed: l.authFailed,
      outboxPending: pending,
      outboxDropped: dropped,
      commandsDropped: this.commands.dropped(),
      attempts: l.attempts,
      commands: this.commands.stats(),
      protocolVersion: this.link.protocolVersion(),
      allowedCommands: [...this.allowed],
    };
  }

  async stop(): Promise<void> {
    this.haTimer?.cancel();
    this.haTimer = null;
    this.discovery.cancel();
    this.commands.finish('controller stopping');
    if (this.link.isConnected()) {
      // The final state (outputs safe, when the app stopped them first) goes out before `offline`.
      this.snapshots.republishAll();
      this.drainer.pump();
      try {
        await withTimeout(this.opts.clock, this.drainer.whenDrained(), STOP_FLUSH_MS, () => new MqttConnectionError(`outbox flush timed out after ${STOP_FLUSH_MS} ms`));
      } catch (e) {
        this.opts.log.warn({ err: describeError(e), pending: this.opts.outbox.pending() }, 'outbox not fully flushed at stop; rows kept for the next start');
      }
    }
    await this.link.stop({ topic: this.topics.availability, payload: 'offline' }, STOP_STEP_MS);
    this.opts.log.info('mqtt telemetry stopped');
  }

  private onConnect(): void {
    this.drainer.reset();
    this.drainer.markBacklog();
    // Commands with "retain as published" (MQTT 5): a retained command is recognised even live.
    if (this.allowed.size > 0) this.link.subscribe([this.topics.commandFilter], true);
    this.link.subscribe([this.topics.haStatus, this.topics.discoveryIndex]);
    this.discovery.onConnect();
    this.republish(false);
    this.drainer.pump();
  }

  /** Availability, (discovery,) states, health and status: at connect and after Home Assistant restarts. */
  private republish(withDiscovery: boolean): void {
    this.link.publish(this.topics.availability, 'online', { qos: 1, retain: true });
    if (withDiscovery) this.discovery.publishAll();
    this.snapshots.republishAll();
    this.health.republishAll();
    this.publishStatus();
  }

  private onMessage(topic: string, payload: Buffer, retain: boolean): void {
    if (topic === this.topics.haStatus) {
      if (payload.toString().trim() !== 'online') return;
      this.haTimer?.cancel();
      this.haTimer = this.opts.clock.setTimeout(() => {
        this.haTimer = null;
        this.opts.log.info('Home Assistant came online: republishing discovery and state');
        this.republish(true);
      }, Math.floor(this.opts.random.next() * HA_BIRTH_JITTER_MS));
    } else if (topic === this.topics.discoveryIndex) {
      this.discovery.onIndex(payload);
    } else {
      const where = this.topics.parseCommand(topic);
      if (where) this.commands.receive(where.enclosureId, where.path, payload, { retain, allowed: this.allowed });
    }
  }

  private onReading(enclosureId: string, payload: Record<string, unknown>, at: number): void {
    this.store(this.topics.readings(enclosureId), payload, at);
    this.publishStatus();
  }

  /** The controller's message counter (the outbox's, persisted); 0 when the outbox cannot be read. */
  private seq(): number {
    try {
      return this.opts.outbox.seq();
    } catch {
      return 0;
    }
  }

  /** State document extras: the message counter, and the enclosure's last command result (Home Assistant's "Last command"). */
  private stateExtra(enclosureId: string): Record<string, unknown> {
    const r = this.commands.lastResult(enclosureId);
    const lastCommand = r ? { ref: r.ref, ...(r.id !== undefined ? { id: r.id } : {}), command: r.command, ok: r.ok, final: r.final, outcome: r.outcome, text: r.text, at: iso(r.at), summary: `${r.command}: ${r.outcome}${r.text ? ` (${r.text})` : ''}`.slice(0, 250) } : null;
    return { seq: this.seq(), lastCommand };
  }

  /** Publishes a command result, then the enclosure's state (the last command and, after a refusal, the real output states). */
  publishResult(enclosureId: string, result: CommandResultDoc, qos: 0 | 1): void {
    this.link.publish(this.topics.result(enclosureId), JSON.stringify({ ...result, seq: this.seq() }), { qos, retain: false });
    if (result.final === true && result.outcome !== 'rejected') this.stateDirty.add(enclosureId);
  }

  private store(topic: string, payload: Record<string, unknown>, at: number): void {
    try {
      this.opts.outbox.enqueue(topic, (seq) => JSON.stringify({ ...payload, seq }), { qos: 1, retain: false, at });
    } catch (e) {
      this.enqueueFailures++;
      this.lastStoreError = describeError(e);
      this.opts.log.error({ topic, err: this.lastStoreError, lost: this.enqueueFailures }, 'cannot store a message in the outbox; it is lost');
      return;
    }
    this.drainer.kick();
    this.logLoss();
  }

  /** Warns when the outbox bounds dropped rows, at most every {@link LOSS_LOG_EVERY_MS}. */
  private logLoss(): void {
    const dropped = this.opts.outbox.dropped();
    if (dropped <= this.loggedDropped) return;
    const now = this.opts.clock.monotonic();
    if (this.lastDropLogAt !== null && now - this.lastDropLogAt < LOSS_LOG_EVERY_MS) return;
    this.opts.log.warn({ dropped, since: dropped - this.loggedDropped, pending: this.opts.outbox.pending() }, 'outbox full or too old: oldest rows dropped');
    this.loggedDropped = dropped;
    this.lastDropLogAt = now;
  }

  private publishStatus(): void {
    if (!this.link.isConnected()) return;
    const s = this.status();
    const doc = { at: iso(this.opts.clock.now()), seq: this.seq(), outboxPending: s.outboxPending, outboxDropped: s.outboxDropped, commandsDropped: s.commandsDropped, commands: s.commands };
    this.link.publish(this.topics.status, JSON.stringify(doc), { qos: 1, retain: true });
  }
}
