import type { IClientOptions, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { type Clock, type TimerHandle, withTimeout } from '../hal/clock.js';
import type { Random } from '../resilience/random.js';
import { authRetryDelay, fullJitterDelay, isAuthFailure, isProtocolRefusal } from './backoff.js';
import { MqttAuthError, MqttConnectionError } from './errors.js';

/** Creates an MQTT.js client (`mqtt.connect`); injectable for tests. */
export type ConnectFn = (url: string, opts: IClientOptions) => MqttClient;

/** What the link needs. Callbacks run on the event loop, never inside a control tick. */
export interface LinkOptions {
  url: string;
  /** Built at every attempt (reads secrets); may throw `MqttCredentialsError`. */
  clientOptions: () => IClientOptions;
  connect: ConnectFn;
  clock: Clock;
  random: Random;
  log: Logger;
  reconnect: { minMs: number; maxMs: number; authFailureMs: number };
  /** After CONNACK 0, on every (re)connection. */
  onConnect: () => void;
  onMessage: (topic: string, payload: Buffer, retain: boolean) => void;
  /** After a connection that had succeeded is lost. */
  onDown: () => void;
  /**
   * True when the protocol version was not configured: a broker that refuses MQTT 5 is retried
   * at once with MQTT 3.1.1, and that version is kept for this link's later attempts.
   */
  negotiateVersion?: boolean;
}

/** A connection that stayed up this long resets the backoff, ms; a broker that accepts and drops at once does not. */
const STABLE_AFTER_MS = 30_000;

/**
 * One logical MQTT connection with our own reconnect policy (MQTT.js only has a
 * fixed period). Each attempt is a fresh MQTT.js client with `reconnectPeriod: 0`; when it closes,
 * the next attempt is scheduled on the injected clock after `fullJitterDelay` (or `authRetryDelay`
 * after a refused login). Never throws to its caller: failures land in {@link status}.
 */
export class MqttLink {
  private client: MqttClient | null = null;
  private generation = 0;
  private timer: TimerHandle | null = null;
  private failures = 0;
  private connectedAt: number | null = null;
  private stopped = true;
  private connected = false;
  private authFailed = false;
  private lastError: string | undefined;
  private attempts = 0;
  private connects = 0;
  private failedAttempts = 0;
  private lastConnectAt: number | null = null;
  private lastErrorAt: number | null = null;
  /** Set once a broker refused MQTT 5 (with {@link LinkOptions.negotiateVersion}). */
  private downgraded = false;
  private protocolRefused = false;
  private version: 4 | 5 = 4;

  constructor(private readonly opts: LinkOptions) {}

  /** Starts connecting in the background; returns at once. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt();
  }

  /**
   * Connection state for `Telemetry.status()` and health. `attempts`: connection attempts since
   * start, `connects` of which succeeded, `failedAttempts` closed without ever connecting;
   * `lastConnectAt` / `lastErrorAt`: wall ms of the last CONNACK 0 / error.
   */
  status(): { connected: boolean; authFailed: boolean; lastError?: string; attempts: number; connects: number; failedAttempts: number; lastConnectAt: number | null; lastErrorAt: number | null } {
    return {
      connected: this.connected,
      authFailed: this.authFailed,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      attempts: this.attempts,
      connects: this.connects,
      failedAttempts: this.failedAttempts,
      lastConnectAt: this.lastConnectAt,
      lastErrorAt: this.lastErrorAt,
    };
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** MQTT protocol level of the current (or next) connection: 5 or 4. */
  protocolVersion(): 4 | 5 {
    return this.version;
  }

  /**
   * Hands a message to MQTT.js without waiting. `done` runs on PUBACK (QoS 1) or with an error
   * when the connection drops first.
   * @returns false (and publishes nothing) while disconnected
   */
  publish(topic: string, payload: string, opts: { qos: 0 | 1 | 2; retain: boolean }, done?: (err?: Error) => void): boolean {
    const client = this.client;
    if (!this.connected || !client) return false;
    client.publish(topic, payload, opts, (err) => done?.(err ?? undefined));
    return true;
  }

  /**
   * Subscribes with QoS 1 on the current connection; a refusal is logged and kept as `lastError`.
   * `retainAsPublished` (MQTT 5 only) keeps the sender's retain flag on live deliveries.
   */
  subscribe(filters: string[], retainAsPublished = false): void {
    const client = this.client;
    if (!this.connected || !client || filters.length === 0) return;
    const rap = retainAsPublished && this.protocolVersion() === 5;
    client.subscribe(filters, rap ? { qos: 1, rap: true } : { qos: 1 }, (err, granted) => {
      if (err) this.recordError(new MqttConnectionError(`subscribe ${filters.join(', ')} failed`, { cause: err }));
      for (const g of granted ?? []) if (g.qos === 128) this.recordError(new MqttConnectionError(`subscription to ${g.topic} refused by the broker`));
    });
  }

  /**
   * Stops reconnecting and closes. When connected and `farewell` is given, publishes it (retained,
   * QoS 1: `offline`, since a clean DISCONNECT does not fire the LWT) and disconnects cleanly,
   * each step bounded by `timeoutMs` on the clock.
   */
  async stop(farewell: { topic: string; payload: string } | null, timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    const client = this.client;
    const wasConnected = this.connected;
    this.client = null;
    this.connected = false;
    this.connectedAt = null;
    this.generation++;
    if (!client) return;
    if (wasConnected && farewell) {
      await this.bounded(
        new Promise<void>((resolve, reject) => client.publish(farewell.topic, farewell.payload, { qos: 1, retain: true }, (e) => (e ? reject(e) : resolve()))),
        timeoutMs,
        'publishing offline',
      );
      await this.bounded(new Promise<void>((resolve) => client.end(false, {}, () => resolve())), timeoutMs, 'disconnecting');
    }
    client.end(true);
    client.stream?.destroy();
  }

  private attempt(): void {
    this.timer = null;
    if (this.stopped) return;
    this.attempts++;
    let clientOptions: IClientOptions;
    try {
      clientOptions = this.opts.clientOptions();
      if (this.downgraded) clientOptions = { ...clientOptions, protocolVersion: 4 };
      this.version = clientOptions.protocolVersion === 5 ? 5 : 4;
    } catch (e) {
      this.recordError(e);
      this.scheduleRetry();
      return;
    }
    const gen = ++this.generation;
    let client: MqttClient;
    try {
      client = this.opts.connect(this.opts.url, clientOptions);
    } catch (e) {
      this.failedAttempts++;
      this.recordError(new MqttConnectionError(`cannot create the MQTT client for ${this.opts.url}`, { cause: e }));
      this.scheduleRetry();
      return;
    }
    this.client = client;
    client.on('connect', () => {
      if (gen !== this.generation) return;
      const hadFailures = this.failures > 0 || this.authFailed;
      this.connected = true;
      this.connects++;
      this.connectedAt = this.opts.clock.monotonic();
      this.lastConnectAt = this.opts.clock.now();
      this.authFailed = false;
      this.lastError = undefined;
      this.opts.log.info({ attempts: this.attempts, hadFailures }, 'mqtt connected');
      this.opts.onConnect();
    });
    client.on('message', (topic, payload, packet) => {
      if (gen === this.generation) this.opts.onMessage(topic, payload, packet.retain === true);
    });
    client.on('error', (err) => {
      if (gen !== this.generation) return;
      if (this.opts.negotiateVersion && !this.downgraded && isProtocolRefusal(err)) {
        this.protocolRefused = true;
        this.opts.log.info('broker refused MQTT 5: using MQTT 3.1.1 (retained commands published while connected cannot be recognised)');
      } else if (isAuthFailure(err)) {
        this.authFailed = true;
        this.recordError(new MqttAuthError((err as { code: number }).code, `broker refused the login: ${err.message}`, { cause: err }));
      } else {
        this.recordError(err);
      }
    });
    client.on('close', () => {
      if (gen !== this.generation) return;
      this.generation++;
      const wasConnected = this.connected;
      if (wasConnected && this.connectedAt !== null && this.opts.clock.monotonic() - this.connectedAt >= STABLE_AFTER_MS) this.failures = 0;
      this.connected = false;
      this.connectedAt = null;
      client.end(true);
      if (wasConnected) {
        this.opts.log.warn({ lastError: this.lastError }, 'mqtt connection lost');
        this.opts.onDown();
      } else {
        this.failedAttempts++;
      }
      if (this.protocolRefused && !this.downgraded) {
        this.downgraded = true;
        this.attempt();
        return;
      }
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const { minMs, maxMs, authFailureMs } = this.opts.reconnect;
    const delay = this.authFailed ? authRetryDelay(authFailureMs, this.opts.random) : fullJitterDelay(this.failures, minMs, maxMs, this.opts.random);
    this.failures++;
    this.opts.log.debug({ delayMs: delay, failures: this.failures, authFailed: this.authFailed }, 'mqtt reconnect scheduled');
    this.timer = this.opts.clock.setTimeout(() => this.attempt(), delay);
  }

  private recordError(err: unknown): void {
    const reason = describeError(err);
    // Log a failure once per distinct reason, not at every retry of a long outage.
    if (reason !== this.lastError) this.opts.log.warn({ err: reason }, 'mqtt error');
    this.lastError = reason;
    this.lastErrorAt = this.opts.clock.now();
  }

  private async bounded(p: Promise<void>, ms: number, what: string): Promise<void> {
    try {
      await withTimeout(this.opts.clock, p, ms, () => new MqttConnectionError(`${what} timed out after ${ms} ms`));
    } catch (e) {
      this.recordError(e);
    }
  }
}
