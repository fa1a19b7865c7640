import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Clock } from '../hal/clock.js';
import type { Random } from '../resilience/random.js';
import type { Outbox, OutboxOptions } from '../store/outbox.js';
import type { SecretSources } from './client-options.js';
import type { ConnectFn } from './connection.js';
import type { CommandHandler } from './command-handler.js';
import type { CommandSink } from './sink.js';

/** Dependencies of `Telemetry`. */
export interface TelemetryOptions {
  config: Config;
  clock: Clock;
  random: Random;
  log: Logger;
  /** The SQLite outbox; opened by `start()`, closed by its owner (the app) after `stop()`. */
  outbox: Outbox;
  sink: CommandSink;
  /**
   * The controller's command intake (shared with other front ends, drained by the controller).
   * Absent: telemetry keeps one of its own over `sink`, drained by `drainCommands`.
   */
  intake?: CommandHandler;
  /** Creates the MQTT.js client (default `mqtt.connect`); injectable for tests. */
  connect?: ConnectFn;
  /** Controller version for discovery (`sw_version`). */
  swVersion?: string;
  /** Password/TLS sources (default: files and `process.env`). */
  secrets?: SecretSources;
}

/** `Telemetry.status()`. `outboxDropped` counts rows lost to the bounds plus rows that could not be stored. */
export interface TelemetryStatus {
  connected: boolean;
  lastError?: string;
  authFailed: boolean;
  outboxPending: number;
  outboxDropped: number;
  /** Commands refused because the inbound queue was full. */
  commandsDropped: number;
  /** Connection attempts since start. */
  attempts: number;
  /** Command counters since start (see `CommandHandler.stats`); absent when telemetry is not running. */
  commands?: { received: number; rejected: number; applied: number; refused: number; queued: number; awaiting: number; dropped: number };
  /** MQTT protocol level in use (5, or 4 after a broker refused 5 or when configured). */
  protocolVersion?: 4 | 5;
  /** Command kinds accepted (`[]`: commands off). */
  allowedCommands?: string[];
}

/** Where the app keeps the outbox: `<controller.stateDir>/outbox.db`. */
export function outboxFile(config: Config): string {
  return join(config.controller.stateDir, 'outbox.db');
}

/** Outbox bounds from `mqtt.outbox` (the schema defaults when there is no `mqtt` section). */
export function outboxOptions(config: Config, clock: Clock): OutboxOptions {
  const o = config.mqtt?.outbox ?? { maxRows: 100_000, maxAgeHours: 168 };
  return { maxRows: o.maxRows, maxAgeMs: o.maxAgeHours * 3600_000, clock };
}
