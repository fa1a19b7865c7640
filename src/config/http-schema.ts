import { z } from 'zod';
import { COMMAND_KINDS } from './mqtt-schema.js';

/** Host names and addresses that stay on this machine (IPv4 and IPv6 loopback). */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

/** True when `host` is a loopback bind address ({@link LOOPBACK_HOSTS}). */
export function isLoopbackHost(host: string): boolean {
  return (LOOPBACK_HOSTS as readonly string[]).includes(host);
}

/**
 * The local HTTP endpoint: health probes, Prometheus metrics and the dashboard with login
 * (docs/http.md). Absent: no HTTP server at all. A bind address other than loopback is accepted
 * by validation but the server refuses to start until a password is set (`terrarium passwd`).
 */
export const HttpSchema = z.strictObject({
  /** Serve the endpoint; `false` keeps the section but starts no server. */
  enabled: z.boolean().default(true),
  /** Bind address. Loopback by default; any other address needs a password (checked at start). */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port (0: any free port, for tests). */
  port: z.number().int().min(0).max(65_535).default(9464),
  /** The dashboard password's scrypt hash, written by `terrarium passwd` (default `<stateDir>/http-password`). */
  passwordFile: z.string().min(1).optional(),
  /** A login session ends this long after the login, minutes (server-side; logout ends it at once). */
  sessionMinutes: z.number().int().min(5).max(30 * 24 * 60).default(12 * 60),
  /**
   * Show the dashboard read-only (no commands) to visitors who have not logged in; on a bind beyond
   * this machine this also opens `/api/status` to them.
   */
  readOnlyWithoutLogin: z.boolean().default(false),
  /**
   * On a bind beyond this machine, serve `/metrics` without login (for a Prometheus server on
   * another host). On a loopback bind `/metrics` is always open to this machine.
   */
  metricsWithoutLogin: z.boolean().default(false),
  /**
   * The dashboard is reached through a reverse proxy on this host that terminates HTTPS: cookies
   * are marked `Secure` and the client address is taken from `X-Forwarded-For` set by a loopback proxy.
   */
  behindHttpsProxy: z.boolean().default(false),
  /** Serve HTTPS directly with this PEM certificate and key (both readable by the controller). */
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  /** Login attempts per client address: at most `maxAttempts` within `windowMinutes`, then "too many attempts". */
  login: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(100).default(5),
      windowMinutes: z.number().int().min(1).max(24 * 60).default(15),
    })
    .default({ maxAttempts: 5, windowMinutes: 15 }),
  /** Command kinds the dashboard may send (the same kinds as `mqtt.allowedCommands`); default all. */
  allowedCommands: z.array(z.enum(COMMAND_KINDS)).default([...COMMAND_KINDS]),
});

export type HttpConfig = z.infer<typeof HttpSchema>;
