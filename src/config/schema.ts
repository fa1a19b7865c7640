import { z } from 'zod';
import { AlertsSchema } from './alerts-schema.js';
import { EnclosureSchema } from './enclosure-schema.js';
import { HardwareSchema } from './hardware-schema.js';
import { HistorySchema } from './history-schema.js';
import { HostSchema } from './host-schema.js';
import { HttpSchema } from './http-schema.js';
import { Id, Name, PathString } from './limits.js';
import { MqttSchema } from './mqtt-schema.js';

/** True when the runtime knows the IANA zone (Intl throws a RangeError otherwise). */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ControllerSchema = z.strictObject({
  /** Stable id of this controller: MQTT topics, Home Assistant unique ids. */
  id: Id,
  name: Name.default('Terrarium controller'),
  /** Control tick period, ms. */
  tickMs: z.number().int().min(100).max(60_000).default(1000),
  /** Durable state (latched faults, lastFedAt, outbox); relative to the config file. */
  stateDir: PathString.default('./state'),
  /** IANA time zone for schedules, photoperiod and feeding. */
  timezone: z.string().min(1).max(100).default('UTC').refine(isTimeZone, 'unknown IANA time zone (e.g. "Europe/Berlin")'),
  /** Delay between switching outputs to their startup state at boot, ms (spreads inrush current). */
  startupStaggerMs: z.number().int().min(0).max(10_000).default(0),
  /** Where species profiles live; relative to the config file (default: the shipped `config/species`). */
  speciesDir: PathString.optional(),
});

/** The raw configuration file (`--config F`), before species profiles are merged in. */
export const ConfigFileSchema = z.strictObject({
  $schema: PathString.optional(),
  controller: ControllerSchema,
  hardware: HardwareSchema,
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') }).prefault({}),
  mqtt: MqttSchema.optional(),
  /** Local health probes and Prometheus metrics over HTTP (loopback only); absent: off. */
  http: HttpSchema.optional(),
  /** Local history (1-minute and 15-minute points, events) in SQLite; absent: none. */
  history: HistorySchema.optional(),
  /** Alerts to the keeper (webhook, ntfy, e-mail; docs/alerts.md); absent: off, nothing loaded. */
  alerts: AlertsSchema.optional(),
  /** Host health thresholds (SoC temperature, memory, disk, load, event-loop lag, RSS). */
  host: HostSchema.prefault({}),
  enclosures: z.array(EnclosureSchema).min(1),
});

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type ControllerConfig = z.infer<typeof ControllerSchema>;
