import { z } from 'zod';

/** Host names and addresses that stay on this machine (IPv4 and IPv6 loopback). */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

/**
 * The local HTTP endpoint (health probes and Prometheus metrics; docs/http.md). Absent: no HTTP
 * server at all. Only a loopback bind is accepted: there is no login yet, so any other address is
 * refused at validation (reach it from elsewhere through a reverse proxy or an SSH tunnel that
 * authenticates).
 */
export const HttpSchema = z.strictObject({
  /** Serve the endpoint; `false` keeps the section but starts no server. */
  enabled: z.boolean().default(true),
  /** Bind address; loopback only (`127.0.0.1`, `::1`, `localhost`). */
  host: z
    .string()
    .default('127.0.0.1')
    .refine((h) => (LOOPBACK_HOSTS as readonly string[]).includes(h), {
      message: `only a loopback address (${LOOPBACK_HOSTS.join(', ')}) is accepted: binding to another address needs login, which is not built yet; use a reverse proxy with authentication on this host`,
    }),
  /** TCP port (0: any free port, for tests). */
  port: z.number().int().min(0).max(65_535).default(9464),
});

export type HttpConfig = z.infer<typeof HttpSchema>;
