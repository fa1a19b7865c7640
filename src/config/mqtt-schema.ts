import { z } from 'zod';

/** A topic prefix: non-empty, no wildcards (`+`, `#`), no leading/trailing `/`, no NUL. */
const TopicPrefix = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^+#/\u0000][^+#\u0000]*$/, 'no "+", "#" or leading "/" in a topic prefix')
  .refine((s) => !s.endsWith('/'), 'no trailing "/"');

/** Command kinds, as named in `mqtt.allowedCommands` (the first level after `cmd/`). */
export const COMMAND_KINDS = ['mode', 'setpoint', 'output', 'feed', 'acknowledge'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** How long a plain-number setpoint override lasts when the command gives no duration, minutes. */
export const DEFAULT_OVERRIDE_MINUTES = 120;

/** Milliseconds, at least 100 ms, at most one day. */
const Ms = z.number().int().min(100).max(24 * 3600 * 1000);

/**
 * TLS for `mqtts://` (files are read at each connection attempt, never logged).
 * `ca`: PEM CA bundle that signed the broker certificate (a private CA is common at home);
 * `cert` + `key`: PEM client certificate and key for mutual TLS (both or neither).
 */
export const MqttTlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    /** Verify the broker certificate against `ca` / the system store. Turn off only for testing. */
    rejectUnauthorized: z.boolean().default(true),
  })
  .refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'tls.cert and tls.key go together', path: ['key'] });

/**
 * MQTT telemetry (topic tree in docs/mqtt.md). Absent: the controller runs without a
 * broker and telemetry is inert.
 *
 * Secrets are never inline: the password comes from `passwordFile` (first line, trailing newline
 * dropped) or the environment variable named by `passwordEnv`. A URL with `user:pass@` is refused
 * so credentials cannot leak through logs that print the URL.
 */
export const MqttSchema = z
  .strictObject({
    /** `mqtt://host:1883` or `mqtts://host:8883` (no credentials in the URL). */
    url: z
      .string()
      .regex(/^mqtts?:\/\/[^/]+/, 'expected mqtt://host[:port] or mqtts://host[:port]')
      .refine((u) => !/^mqtts?:\/\/[^/]*@/.test(u), 'no credentials in the URL: use username and passwordFile/passwordEnv'),
    /** MQTT client id; default `terrarium-<controller.id>`. */
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-" only (1..64)')
      .optional(),
    /**
     * 4 = MQTT 3.1.1, 5 = MQTT 5. Absent: MQTT 5, falling back to 3.1.1 when the broker refuses
     * the protocol version. Only MQTT 5 (subscription option "retain as published") tells a
     * retained command published while the controller is connected from a fresh one; on 3.1.1
     * only the retained copies replayed at subscription are recognised and refused.
     */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    /** Topic base: `<baseTopic>/<controller.id>/...`. */
    baseTopic: TopicPrefix.default('terrarium'),
    /** Home Assistant discovery prefix (HA MQTT options; default `homeassistant`). */
    discoveryPrefix: TopicPrefix.default('homeassistant'),
    username: z.string().min(1).optional(),
    /** File holding the password (e.g. `/etc/terrarium/mqtt-password`, mode 0600). */
    passwordFile: z.string().min(1).optional(),
    /** Name of the environment variable holding the password (e.g. `TERRARIUM_MQTT_PASSWORD`). */
    passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    tls: MqttTlsSchema.optional(),
    /** Accept commands from MQTT (mode, setpoint override, outputs, feed, acknowledge). `false`: none at all. */
    commandsEnabled: z.boolean().default(true),
    /**
     * Which command kinds are accepted when `commandsEnabled` (default all): `mode`, `setpoint`
     * (override and clear), `output`, `feed`, `acknowledge`. E.g. `["acknowledge"]` for read-only
     * telemetry plus acknowledging faults. Other kinds are answered "disabled" and Home Assistant
     * gets no control for them.
     */
    allowedCommands: z.array(z.enum(COMMAND_KINDS)).default([...COMMAND_KINDS]),
    /**
     * Reconnect backoff: exponential from `minMs` doubling up to `maxMs`, full jitter. After an
     * authentication failure (CONNACK 4/5, MQTT 5 0x86/0x87) the next attempt waits
     * `authFailureMs` (50..100 % of it) instead: a wrong password is not retried in a tight loop.
     */
    reconnect: z
      .strictObject({
        minMs: Ms.default(1000),
        maxMs: Ms.default(60_000),
        authFailureMs: Ms.default(600_000),
      })
      .prefault({})
      .refine((r) => r.minMs <= r.maxMs, { message: 'reconnect.minMs must not exceed reconnect.maxMs', path: ['maxMs'] }),
    /** MQTT keepalive, s. The broker fires the LWT after about 1.5 x keepalive of silence. */
    keepaliveSeconds: z.number().int().min(5).max(600).default(30),
    /** Bounded SQLite outbox for readings and events: oldest dropped first, loss counted. */
    outbox: z
      .strictObject({
        /** Row cap (one reading per enclosure per publish interval; 100 000 ≈ 69 days of one enclosure at 60 s). */
        maxRows: z.number().int().min(10).max(10_000_000).default(100_000),
        /** Rows older than this are dropped, hours (default one week). */
        maxAgeHours: z.number().min(1).max(24 * 365).default(168),
      })
      .prefault({}),
    /** Cadence of readings into the outbox and of the retained state refresh, s. */
    publishIntervalSeconds: z.number().int().min(1).max(3600).default(60),
    /** Duration of a setpoint override set from a plain-number command (the Home Assistant number), minutes. */
    setpointOverrideMinutes: z.number().int().min(1).max(24 * 60).default(DEFAULT_OVERRIDE_MINUTES),
  })
  .refine((m) => !(m.passwordFile && m.passwordEnv), { message: 'give passwordFile or passwordEnv, not both', path: ['passwordEnv'] })
  .refine((m) => !(m.passwordFile || m.passwordEnv) || m.username !== undefined, { message: 'a password needs a username', path: ['username'] });

export type MqttConfig = z.infer<typeof MqttSchema>;
