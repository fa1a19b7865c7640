import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { Clock } from '../hal/clock.js';
import { ControllerMetrics } from '../http/metrics.js';
import { HttpEndpoint } from '../http/server.js';
import type { Controller } from './controller.js';
import type { TickTiming } from './tick-loop.js';

/**
 * The `http` section at run time: metrics exist from construction (so the controller can feed
 * tick timings in), the server starts once the controller has started. Lifecycle:
 * `start(controller, startedAt)`, `beginShutdown()` (readiness turns 503), `stop()`.
 */
export class HttpService {
  private endpoint: HttpEndpoint | undefined;
  private shuttingDown = false;
  private controller: Controller | undefined;
  readonly metrics: ControllerMetrics;

  constructor(private readonly o: { config: Config; clock: Clock; log: Logger }) {
    this.metrics = new ControllerMetrics({
      snapshots: () => this.snapshots(),
      health: () => this.controller?.health() ?? [],
    });
  }

  /** For the controller's `onTickTiming`. */
  readonly onTickTiming = (t: TickTiming): void => this.metrics.observeTick(t);

  /** Starts listening; `startedAt`: monotonic ms when the controller finished starting. Rejects when the port cannot be bound. */
  async start(controller: Controller, startedAt: number): Promise<void> {
    const { config, clock, log } = this.o;
    const http = config.http;
    if (!http?.enabled) return;
    this.controller = controller;
    this.endpoint = new HttpEndpoint({
      host: http.host,
      port: http.port,
      metrics: this.metrics,
      log,
      probes: { clock, periodMs: config.controller.tickMs, startedAt, progress: () => controller.progress(), stopping: () => this.shuttingDown },
    });
    await this.endpoint.start();
  }

  /** The bound port, or undefined when not serving. */
  get port(): number | undefined {
    return this.endpoint?.port;
  }

  /** From now on `/health/ready` answers 503 (shutdown began). */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async stop(): Promise<void> {
    this.shuttingDown = true;
    await this.endpoint?.stop();
    this.endpoint = undefined;
  }

  private snapshots(): EnclosureSnapshot[] {
    const c = this.controller;
    if (!c) return [];
    return this.o.config.enclosures.map((e) => c.runtime(e.id)?.snapshot()).filter((s): s is EnclosureSnapshot => s !== undefined);
  }
}
