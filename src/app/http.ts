import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import { ERROR_RATE_SAMPLE_EVERY_MS, ErrorRateWindow } from '../http/error-rate.js';
import { ControllerMetrics } from '../http/metrics.js';
import type { ProbeSource } from '../http/probes.js';
import type { HistoryReader } from '../history/types.js';
import type { HttpEndpoint } from '../http/server.js';
import { statusDocument, type EnclosureSource, type StatusDocument } from '../http/status-api.js';
import { VERSION } from '../version.js';
import type { RecoveryEvent } from '../supervisor/supervisor.js';
import type { Controller, ControllerObserver } from './controller.js';
import type { TickTiming } from './tick-loop.js';

/**
 * The `http` section at run time: metrics exist from construction (so the controller can feed
 * tick timings in), the server (fastify, loaded by dynamic import only here) starts once the
 * controller has started. Lifecycle: `start(controller, startedAt)`, `beginShutdown()` (readiness
 * turns 503), `stop()`. `history`: the local history for the dashboard's charts (absent: off).
 */
export class HttpService implements ControllerObserver {
  private endpoint: HttpEndpoint | undefined;
  private shuttingDown = false;
  private controller: Controller | undefined;
  private probes: ProbeSource | undefined;
  /** Health counters sampled once a minute for the error rate of `/api/status`. */
  private errors: ErrorRateWindow | undefined;
  private errorTimer: TimerHandle | undefined;
  readonly metrics: ControllerMetrics;

  constructor(private readonly o: { config: Config; clock: Clock; log: Logger; history?: HistoryReader }) {
    this.metrics = new ControllerMetrics(
      {
        snapshots: () => this.snapshots(),
        health: () => this.controller?.health() ?? [],
        telemetry: () => this.controller?.telemetryStatus(),
        uptimeSeconds: () => (this.probes ? Math.max(0, o.clock.monotonic() - this.probes.startedAt) / 1000 : undefined),
      },
      { build: { version: VERSION, node: process.version }, mqtt: o.config.mqtt !== undefined },
      () => this.tickSnapshots(),
    );
  }

  /** For the controller's `onTickTiming`: tick duration, lateness and the outputs' on-time. */
  readonly onTickTiming = (t: TickTiming): void => {
    // Started before the controller (its sensors did not exist yet): time them from its first tick.
    if (!this.samplesTimed && this.controller) this.samplesTimed = this.timeSamples(this.controller, true);
    this.metrics.observeTick(t);
  };
  private samplesTimed = false;

  /** As a controller observer: counts the supervisor's recovery steps. */
  onRecovery(ev: RecoveryEvent): void {
    this.metrics.observeRecovery(ev);
  }

  /** The snapshots the last tick left (reused array; empty before {@link start}). */
  private readonly atTick: EnclosureSnapshot[] = [];
  private tickSnapshots(): EnclosureSnapshot[] {
    const out = this.atTick;
    out.length = 0;
    const c = this.controller;
    if (!c) return out;
    for (const e of this.o.config.enclosures) {
      const s = c.runtime(e.id)?.snapshot();
      if (s) out.push(s);
    }
    return out;
  }

  /** Times every sensor sample for the metrics (`on` false: stops timing); true when the controller's enclosures exist. */
  private timeSamples(c: Controller, on: boolean): boolean {
    let found = false;
    for (const e of this.o.config.enclosures) {
      const rt = c.runtime(e.id);
      if (!rt) continue;
      found = true;
      for (const s of rt.devices.sensors) s.observeSamples(on ? (ms, ok) => this.metrics.observeSample(e.id, s.id, ms, ok) : undefined);
    }
    return found;
  }

  /**
   * Starts listening; `startedAt`: monotonic ms when the controller finished starting.
   * @throws HttpSecurityError when bound beyond loopback without a password, or the password or TLS files are unusable
   * @throws the socket error when the port cannot be bound
   */
  async start(controller: Controller, startedAt: number): Promise<void> {
    const { config, clock, log } = this.o;
    const http = config.http;
    if (!http?.enabled) return;
    this.controller = controller;
    this.probes = { clock, periodMs: config.controller.tickMs, startedAt, progress: () => controller.progress(), stopping: () => this.shuttingDown };
    this.errors = new ErrorRateWindow(startedAt);
    this.sampleErrorsLater();
    this.samplesTimed = this.timeSamples(controller, true);
    const [{ HttpEndpoint }, { defaultPasswordFile }, { dashboardView }] = await Promise.all([import('../http/server.js'), import('../http/password.js'), import('../http/dashboard-view.js')]);
    const snapshot = (id: string): EnclosureSnapshot | undefined => controller.runtime(id)?.snapshot();
    const endpoint = new HttpEndpoint({
      http,
      passwordFile: http.passwordFile ?? defaultPasswordFile(config.controller.stateDir),
      clock,
      metrics: this.metrics,
      log,
      probes: this.probes,
      status: () => this.status(),
      dashboard: {
        view: (canCommand) => dashboardView(config, snapshot, clock.now(), canCommand, http.allowedCommands),
        intake: () => controller.intake,
        ...(this.o.history ? { history: this.o.history } : {}),
      },
    });
    try {
      await endpoint.start();
    } catch (e) {
      this.errorTimer?.cancel(); // not serving: no sampling either
      this.errorTimer = undefined;
      throw e;
    }
    this.endpoint = endpoint;
  }

  /** The `/api/status` document now; undefined before {@link start}. */
  status(): StatusDocument | undefined {
    const c = this.controller;
    const { probes, errors } = this;
    if (!c || !probes || !errors) return undefined;
    return statusDocument({
      controllerId: this.o.config.controller.id,
      version: VERSION,
      probes,
      enclosures: () => this.enclosureSources(c),
      health: () => c.health(),
      errorRate: (h) => errors.rate(this.o.clock.monotonic(), h),
      telemetry: () => c.telemetryStatus(),
    });
  }

  private enclosureSources(c: Controller): EnclosureSource[] {
    const persisted = c.state.get().enclosures;
    return this.o.config.enclosures.map((e) => {
      const p = persisted[e.id];
      return {
        snapshot: c.runtime(e.id)?.snapshot(),
        setpointOverride: p?.operator.setpointOverride ?? null,
        feeders: e.actuators.filter((a) => a.kind === 'feeder').map((a) => ({ id: a.id, lastFedAt: p?.feeding[a.id]?.lastFedAt ?? null })),
      };
    });
  }

  /** Samples the health counters once a minute (clock timer; nothing per tick). */
  private sampleErrorsLater(): void {
    this.errorTimer = this.o.clock.setTimeout(() => {
      const c = this.controller;
      if (c && this.errors) this.errors.sample(this.o.clock.monotonic(), c.health());
      this.sampleErrorsLater();
    }, ERROR_RATE_SAMPLE_EVERY_MS);
  }

  /** The bound port, or undefined when not serving. */
  get port(): number | undefined {
    return this.endpoint?.port;
  }

  /** The running endpoint (tests use its `inject`), or undefined when not serving. */
  get server(): HttpEndpoint | undefined {
    return this.endpoint;
  }

  /** From now on `/health/ready` answers 503 (shutdown began). */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async stop(): Promise<void> {
    this.shuttingDown = true;
    this.errorTimer?.cancel();
    this.errorTimer = undefined;
    if (this.controller) this.timeSamples(this.controller, false);
    this.samplesTimed = true; // stopped: not again
    await this.endpoint?.stop();
    this.endpoint = undefined;
  }

  /** The latest snapshots, in a fresh array (scrapes keep it beyond the next tick). */
  private snapshots(): EnclosureSnapshot[] {
    return [...this.tickSnapshots()];
  }
}
