import { Gauge, Histogram, Registry } from 'prom-client';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { EnclosureMode } from '../control/types.js';
import type { ComponentHealth, HealthStatus } from '../resilience/health-types.js';

/** What the metrics read at each scrape (never during a tick). */
export interface MetricsSource {
  /** The latest snapshot of every enclosure that has one. */
  snapshots(): EnclosureSnapshot[];
  /** Health of every component (enclosures and controller-wide). */
  health(): ComponentHealth[];
}

const MODES: readonly EnclosureMode[] = ['normal', 'degraded', 'safe', 'manual'];
const STATUSES: readonly HealthStatus[] = ['healthy', 'degraded', 'failed', 'unknown'];

/** Tick duration buckets, s: a tick is synchronous and short (sub-ms to a few ms on a Pi). */
const TICK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The controller's Prometheus metrics in a registry of its own (no process-wide default
 * registry), rendered in the text exposition format 0.0.4 by prom-client. Gauges are filled from
 * {@link MetricsSource} at scrape time; the tick duration histogram is fed by {@link observeTick}.
 * Units follow the Prometheus naming conventions (seconds, celsius, percent, pascals).
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly tickDuration: Histogram;

  constructor(source: MetricsSource) {
    const r = [this.registry];
    const reading = (name: string, help: string, pick: (s: EnclosureSnapshot) => EnclosureSnapshot['temperature']): void => {
      new Gauge({
        name,
        help,
        labelNames: ['enclosure', 'sensor'],
        registers: r,
        collect() {
          this.reset();
          for (const s of source.snapshots()) {
            const v = pick(s);
            if (v && v.value !== null) this.set({ enclosure: s.enclosureId, sensor: v.sensorId }, v.value);
          }
        },
      });
    };
    reading('terrarium_temperature_celsius', 'Control temperature of the enclosure, degrees Celsius (absent while missing).', (s) => s.temperature);
    reading('terrarium_humidity_percent', 'Relative humidity of the enclosure, %RH (absent while missing).', (s) => s.humidity);
    reading('terrarium_pressure_pascals', 'Air pressure at the enclosure, Pa (absent while missing).', (s) => s.pressure);
    new Gauge({
      name: 'terrarium_setpoint_celsius',
      help: 'Active temperature setpoint after season and override, degrees Celsius.',
      labelNames: ['enclosure'],
      registers: r,
      collect() {
        this.reset();
        for (const s of source.snapshots()) this.set({ enclosure: s.enclosureId }, s.setpointC);
      },
    });
    new Gauge({
      name: 'terrarium_output_on',
      help: 'Output state per actuator: 1 on, 0 off.',
      labelNames: ['enclosure', 'actuator', 'kind'],
      registers: r,
      collect() {
        this.reset();
        for (const s of source.snapshots()) for (const [id, a] of Object.entries(s.actuators)) this.set({ enclosure: s.enclosureId, actuator: id, kind: a.kind }, a.on ? 1 : 0);
      },
    });
    new Gauge({
      name: 'terrarium_mode',
      help: 'Enclosure mode: 1 for the current mode, 0 for the others.',
      labelNames: ['enclosure', 'mode'],
      registers: r,
      collect() {
        this.reset();
        for (const s of source.snapshots()) for (const m of MODES) this.set({ enclosure: s.enclosureId, mode: m }, s.mode === m ? 1 : 0);
      },
    });
    new Gauge({
      name: 'terrarium_latched_faults',
      help: 'Latched faults waiting for acknowledgement.',
      labelNames: ['enclosure'],
      registers: r,
      collect() {
        this.reset();
        for (const s of source.snapshots()) this.set({ enclosure: s.enclosureId }, s.faults.filter((f) => f.latched).length);
      },
    });
    new Gauge({
      name: 'terrarium_component_health',
      help: 'Component health: 1 for the current status, 0 for the others (enclosure "" for controller-wide components).',
      labelNames: ['enclosure', 'component', 'kind', 'status'],
      registers: r,
      collect() {
        this.reset();
        for (const h of source.health()) for (const st of STATUSES) this.set({ enclosure: h.enclosureId ?? '', component: h.id, kind: h.kind, status: st }, h.status === st ? 1 : 0);
      },
    });
    this.tickDuration = new Histogram({
      name: 'terrarium_tick_duration_seconds',
      help: 'Duration of a control tick, seconds (monotonic clock).',
      buckets: TICK_BUCKETS,
      registers: r,
    });
  }

  /** Records one tick; `startedAt`/`endedAt` are monotonic ms. */
  observeTick(t: { startedAt: number; endedAt: number }): void {
    this.tickDuration.observe(Math.max(0, t.endedAt - t.startedAt) / 1000);
  }

  /** The exposition text and its content type (`text/plain; version=0.0.4; charset=utf-8`). */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
