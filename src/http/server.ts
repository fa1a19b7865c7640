import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { ControllerMetrics } from './metrics.js';
import { liveness, readiness, type ProbeResult, type ProbeSource } from './probes.js';
import type { StatusDocument } from './status-api.js';

/** Options of {@link HttpEndpoint}. */
export interface HttpEndpointOptions {
  /** Bind address (the config allows loopback only). */
  host: string;
  /** TCP port; 0 picks a free one (see {@link HttpEndpoint.port}). */
  port: number;
  probes: ProbeSource;
  metrics: ControllerMetrics;
  /** The `/api/status` document (undefined: not available yet, 503). */
  status: () => StatusDocument | undefined;
  log: Logger;
}

/**
 * The controller's local HTTP endpoint (node:http), read-only, GET/HEAD only:
 * `/health/live`, `/health/ready` (200 or 503 with a one-line JSON reason) and `/metrics`
 * (Prometheus text format). Anything else: 404; other methods: 405. Nothing here touches the
 * control path: answers are computed from the controller's progress, snapshots and health.
 */
export class HttpEndpoint {
  private server: Server | undefined;

  constructor(private readonly o: HttpEndpointOptions) {}

  /** Listens; rejects with the socket error (e.g. `EADDRINUSE`) when the address cannot be bound. */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.o.log.info({ http: { host: this.o.host, port: this.port } }, 'http endpoint listening');
  }

  /** The bound TCP port (after {@link start}). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.o.port;
  }

  /** Stops listening and closes idle and open connections. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', '{"error":"method not allowed"}', { allow: 'GET, HEAD' });
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/health/live') return probe(res, liveness(this.o.probes));
      if (path === '/health/ready') return probe(res, readiness(this.o.probes));
      if (path === '/api/status') {
        const doc = this.o.status();
        return doc ? send(res, 200, 'application/json; charset=utf-8', JSON.stringify(doc)) : send(res, 503, 'application/json', '{"error":"not started"}');
      }
      if (path === '/metrics') {
        const m = await this.o.metrics.render();
        return send(res, 200, m.contentType, m.body);
      }
      send(res, 404, 'application/json', '{"error":"not found"}');
    } catch (e) {
      this.o.log.error({ err: describeError(e), url: req.url }, 'http request failed');
      if (!res.headersSent) send(res, 500, 'application/json', '{"error":"internal error"}');
      else res.destroy();
    }
  }
}

function probe(res: ServerResponse, r: ProbeResult): void {
  send(res, r.ok ? 200 : 503, 'application/json', JSON.stringify(r.ok ? { status: 'ok' } : { status: 'unavailable', reason: r.reason }));
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
