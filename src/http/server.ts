import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { isLoopbackHost, type HttpConfig } from '../config/http-schema.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { type Auth, registerAuth } from './auth.js';
import { registerDashboardApi, type DashboardSource } from './dashboard-api.js';
import { HttpSecurityError } from './errors.js';
import type { ControllerMetrics } from './metrics.js';
import { readPasswordFile } from './password.js';
import { liveness, readiness, type ProbeResult, type ProbeSource } from './probes.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerStatic } from './static.js';
import type { StatusDocument } from './status-api.js';

/** Largest request body accepted, bytes (login and commands are tiny). */
const BODY_LIMIT = 16 * 1024;

/** Options of {@link HttpEndpoint}. */
export interface HttpEndpointOptions {
  /** The validated `http` section (bind address, port, login and TLS settings). */
  http: HttpConfig;
  /** Where the password hash lives (`http.passwordFile` or `<stateDir>/http-password`). */
  passwordFile: string;
  clock: Clock;
  probes: ProbeSource;
  metrics: ControllerMetrics;
  /** The `/api/status` document (undefined: not available yet, 503). */
  status: () => StatusDocument | undefined;
  dashboard: DashboardSource;
  log: Logger;
}

/**
 * The controller's local HTTP endpoint (fastify): `/health/live`, `/health/ready` (200 or 503 with
 * a one-line JSON reason), `/metrics` (Prometheus text) and `/api/status` (the controller at a
 * glance) open, read-only, without login as before; the dashboard (static
 * files from `web/`), login and its JSON API (docs/http.md). Nothing here touches the control
 * path: answers come from the controller's progress, snapshots and health; commands go through the
 * controller's command intake and run between ticks.
 */
export class HttpEndpoint {
  private app: FastifyInstance | undefined;

  constructor(private readonly o: HttpEndpointOptions) {}

  /**
   * Checks the security settings, builds the server and listens.
   * @throws HttpSecurityError when bound beyond loopback without a password, or the password file or TLS files are unusable
   * @throws the socket error (e.g. `EADDRINUSE`) when the address cannot be bound
   */
  async start(): Promise<void> {
    const app = await this.build();
    try {
      await app.listen({ host: this.o.http.host, port: this.o.http.port });
    } catch (e) {
      await app.close();
      throw e;
    }
    this.app = app;
    this.o.log.info({ http: { host: this.o.http.host, port: this.port, tls: this.o.http.tls !== undefined } }, 'http endpoint listening');
  }

  /** The bound TCP port (after {@link start}). */
  get port(): number {
    const a = this.app?.server.address() as AddressInfo | null | undefined;
    return a?.port ?? this.o.http.port;
  }

  /** Sends a request without the network (fastify `inject`), for tests: `remoteAddress` sets the client address. */
  inject(req: InjectOptions): Promise<LightMyRequestResponse> {
    if (!this.app) throw new Error('http endpoint not started');
    return this.app.inject(req);
  }

  /** Stops listening and closes idle and open connections. */
  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  private async build(): Promise<FastifyInstance> {
    const { http, log } = this.o;
    const hash = await readPasswordFile(this.o.passwordFile);
    if (!hash && !isLoopbackHost(http.host)) {
      throw new HttpSecurityError('HTTP_PASSWORD_REQUIRED', `http.host is "${http.host}", beyond this machine, but no dashboard password is set (${this.o.passwordFile}): run \`terrarium passwd\` first, or bind 127.0.0.1`);
    }
    const https = http.tls ? readTls(http.tls) : null;
    const app = Fastify({
      logger: false, // requests are not logged: nothing from a request (cookies, bodies) reaches the log
      bodyLimit: BODY_LIMIT,
      forceCloseConnections: true,
      trustProxy: http.behindHttpsProxy ? 'loopback' : false,
      ...(https ? { https } : {}),
    }) as unknown as FastifyInstance;
    app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status >= 500) log.error({ err: describeError(err), method: req.method, path: req.routeOptions.url }, 'http request failed');
      // A password file problem names the file and what to do (no secret in it); other internal errors stay vague.
      const message = status < 500 || err instanceof HttpSecurityError ? err.message : 'internal error';
      void reply.code(status).header('cache-control', 'no-store').send({ error: message });
    });
    app.setNotFoundHandler((_req, reply) => void reply.code(404).header('cache-control', 'no-store').send({ error: 'not found' }));

    await registerSecurityHeaders(app, { tls: https !== null });
    const auth = await registerAuth(app, {
      http,
      passwordFile: this.o.passwordFile,
      clock: this.o.clock,
      cookieSecret: randomBytes(32).toString('base64url'),
      secureCookies: https !== null || http.behindHttpsProxy,
    });
    this.probeRoutes(app, auth);
    await registerDashboardApi(app, { auth, clock: this.o.clock, source: this.o.dashboard, allowed: new Set(http.allowedCommands) });
    await registerStatic(app);
    await app.ready();
    return app;
  }

  /**
   * Probes (always open: they carry no reading), `/metrics` and `/api/status`. On a loopback bind
   * the last two are open to this machine, as before there was a login; on any other bind they
   * are a read-only view and need a login unless the config opens them by choice
   * (`metricsWithoutLogin`, `readOnlyWithoutLogin`).
   */
  private probeRoutes(app: FastifyInstance, auth: Auth): void {
    const probes = this.o.probes;
    const http = this.o.http;
    const local = isLoopbackHost(http.host);
    const open = async (): Promise<void> => undefined;
    const metricsGate = local || http.metricsWithoutLogin ? open : auth.requireLogin;
    const statusGate = local ? open : auth.requireRead;
    app.get('/health/live', async (_req, reply) => probe(reply, liveness(probes)));
    app.get('/health/ready', async (_req, reply) => probe(reply, readiness(probes)));
    app.get('/metrics', { preHandler: metricsGate }, async (_req, reply) => {
      const m = await this.o.metrics.render();
      return reply.header('content-type', m.contentType).header('cache-control', 'no-store').send(m.body);
    });
    app.get('/api/status', { preHandler: statusGate }, async (_req, reply) => {
      const doc = this.o.status();
      return doc ? reply.header('cache-control', 'no-store').send(doc) : reply.code(503).header('cache-control', 'no-store').send({ error: 'not started' });
    });
    for (const url of ['/health/live', '/health/ready', '/metrics', '/api/status']) {
      app.route({ method: ['POST', 'PUT', 'DELETE', 'PATCH'], url, handler: async (_req, reply) => reply.code(405).header('allow', 'GET, HEAD').send({ error: 'method not allowed' }) });
    }
  }
}

function probe(reply: FastifyReply, r: ProbeResult): FastifyReply {
  return reply
    .code(r.ok ? 200 : 503)
    .header('cache-control', 'no-store')
    .send(r.ok ? { status: 'ok' } : { status: 'unavailable', reason: r.reason });
}

function readTls(tls: NonNullable<HttpConfig['tls']>): { cert: Buffer; key: Buffer } {
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new HttpSecurityError('HTTP_TLS', `http.tls.${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  return { cert: read('certFile', tls.certFile), key: read('keyFile', tls.keyFile) };
}
