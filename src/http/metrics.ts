import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TickTiming } from '../app/tick-loop.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { EnclosureMode } from '../control/types.js';
import type { BreakerState, ComponentHealth, HealthCounters, HealthStatus } from '../resilience/health-types.js';
import type { RecoveryEvent } from '../supervisor/supervisor.js';
import type { TelemetryStatus } from '../telemetry/options.js';
import { OutputOnTime } from './output-on-time.js';

/** What the metrics read at each scrape (never during a tick). */
export interface MetricsSource {
  /** The latest snapshot of every enclosure that has one. */
  snapshots(): EnclosureSnapshot[];
  /** Health of every component (enclosures and controller-wide). */
  health(): ComponentHealth[];
  /** MQTT figures; undefined while telemetry is not running (its metrics read 0). */
  telemetry(): TelemetryStatus | undefined;
  /** Seconds since the controller finished starting; undefined before (reads 0). */
  uptimeSeconds(): number | undefined;
}

/** Fixed facts of the process the metrics describe. */
export interface MetricsOptions {
  /** Controller version (package.json) and Node.js version (`process.version`), for `terrarium_build_info`. */
  build: { version: string; node: string };
  /** The configuration has an `mqtt` section: only then are the `terrarium_mqtt_*` metrics served. */
  mqtt: boolean;
}

const MODES: readonly EnclosureMode[] = ['normal', 'degraded', 'safe', 'manual'];
const STATUSES: readonly HealthStatus[] = ['healthy', 'degraded', 'failed', 'unknown'];
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];
const COMMAND_RESULTS = ['received', 'rejected', 'applied', 'refused', 'dropped'] as const;

/** Tick duration buckets, s: a tick is synchronous and short (sub-ms to a few ms on a Pi). */
const TICK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Tick lateness buckets, s: timer jitter is ms; a stalled event loop or a skipped period is seconds. */
const LATENESS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Sensor sample buckets, s: an I2C read is ms, a DS18B20 conversion 750 ms, retries and timeouts (2 s per attempt) seconds. */
const SAMPLE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

/**
 * The controller's Prometheus metrics in a registry of its own (no process-wide default
 * registry), rendered in the text exposition format 0.0.4 by prom-client. Gauges are filled from
 * {@link MetricsSource} at scrape time; counters kept by the controller (health counters, MQTT
 * figures) are copied at scrape time too. Fed as things happen: {@link observeTick} (tick duration,
 * lateness and the outputs' on-time: O(outputs) per tick), {@link observeSample} (once per sensor
 * sample) and {@link observeRecovery}. Units follow the Prometheus naming conventions (seconds,
 * celsius, percent, pascals); every metric is listed in docs/http.md.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly tickDuration: Histogram;
  private readonly tickLateness: Histogram;
  private readonly sampleDuration: Histogram;
  private readonly recoveries: Counter;
  private readonly onTime = new OutputOnTime();

  /** @param snapshotsAtTick the snapshots as the tick that just completed left them (for the on-time) */
  constructor(
    source: MetricsSource,
    options: MetricsOptions,
    private readonly snapshotsAtTick: () => Iterable<EnclosureSnapshot>,
  ) {
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
    const onTime = this.onTime;
    new Counter({
      name: 'terrarium_output_on_seconds_total',
      help: 'Time each output has been on since the endpoint started, seconds (monotonic clock, to the tick).',
      labelNames: ['enclosure', 'actuator', 'kind'],
      registers: r,
      collect() {
        this.reset();
        onTime.each((enclosure, actuator, kind, seconds) => this.inc({ enclosure, actuator, kind }, seconds));
      },
    });
    const counter = (name: string, help: string, pick: keyof HealthCounters): void => {
      new Counter({
        name,
        help,
        labelNames: ['enclosure', 'component', 'kind'],
        registers: r,
        collect() {
          this.reset();
          for (const h of source.health()) this.inc({ enclosure: h.enclosureId ?? '', component: h.id, kind: h.kind }, h.counters[pick]);
        },
      });
    };
    counter('terrarium_component_operations_total', 'I/O operations (read, write, verification) of each component since start, retries included in one.', 'reads');
    counter('terrarium_component_failures_total', 'Operations of each component that still failed after their retries, since start.', 'failures');
    counter('terrarium_component_retries_total', 'Retries of each component since start.', 'retries');
    counter('terrarium_component_recoveries_total', 'Returns of each component to healthy after a failure, since start.', 'recoveries');
    new Gauge({
      name: 'terrarium_component_breaker_state',
      help: 'Circuit breaker state per component that has one: 1 for the current state (closed, open, half-open), 0 for the others.',
      labelNames: ['enclosure', 'component', 'kind', 'state'],
      registers: r,
      collect() {
        this.reset();
        for (const h of source.health()) {
          if (h.breaker === undefined) continue;
          for (const st of BREAKER_STATES) this.set({ enclosure: h.enclosureId ?? '', component: h.id, kind: h.kind, state: st }, h.breaker === st ? 1 : 0);
        }
      },
    });
    this.recoveries = new Counter({
      name: 'terrarium_supervisor_recoveries_total',
      help: 'Recovery steps and outcomes of the supervisor since the endpoint started, by strategy (retry, reset, restart, fallback, manual) and outcome (pending, recovered, failed, escalated).',
      labelNames: ['strategy', 'outcome'],
      registers: r,
    });
    if (options.mqtt) {
      new Gauge({
        name: 'terrarium_mqtt_connected',
        help: 'MQTT broker link: 1 connected, 0 not.',
        registers: r,
        collect() {
          this.set(source.telemetry()?.connected ? 1 : 0);
        },
      });
      new Gauge({
        name: 'terrarium_mqtt_outbox_messages',
        help: 'Messages waiting in the MQTT outbox.',
        registers: r,
        collect() {
          this.set(source.telemetry()?.outboxPending ?? 0);
        },
      });
      new Counter({
        name: 'terrarium_mqtt_outbox_dropped_messages_total',
        help: 'Outbox messages lost to its bounds or that could not be stored, since start.',
        registers: r,
        collect() {
          this.reset();
          this.inc(source.telemetry()?.outboxDropped ?? 0);
        },
      });
      new Counter({
        name: 'terrarium_mqtt_commands_total',
        help: 'MQTT commands since start by result: received, rejected (invalid), applied, refused (by the controller), dropped (queue full).',
        labelNames: ['result'],
        registers: r,
        collect() {
          this.reset();
          const t = source.telemetry();
          const c = t?.commands ?? { received: 0, rejected: 0, applied: 0, refused: 0, dropped: t?.commandsDropped ?? 0 };
          for (const k of COMMAND_RESULTS) this.inc({ result: k }, c[k]);
        },
      });
    }
    new Gauge({
      name: 'terrarium_uptime_seconds',
      help: 'Seconds since the controller finished starting (monotonic clock).',
      registers: r,
      collect() {
        this.set(source.uptimeSeconds() ?? 0);
      },
    });
    new Gauge({
      name: 'terrarium_build_info',
      help: 'Build facts as labels (controller version, Node.js version); always 1.',
      labelNames: ['version', 'node'],
      registers: r,
    }).set({ version: options.build.version, node: options.build.node }, 1);
    this.tickDuration = new Histogram({
      name: 'terrarium_tick_duration_seconds',
      help: 'Duration of a control tick, seconds (monotonic clock).',
      buckets: TICK_BUCKETS,
      registers: r,
    });
    this.tickLateness = new Histogram({
      name: 'terrarium_tick_lateness_seconds',
      help: 'How late each control tick started after it was due, seconds (monotonic clock; skipped periods included).',
      buckets: LATENESS_BUCKETS,
      registers: r,
    });
    this.sampleDuration = new Histogram({
      name: 'terrarium_sensor_sample_duration_seconds',
      help: 'Duration of one sensor sample from the first attempt to its result, retries included, seconds (monotonic clock); result ok or failed.',
      labelNames: ['enclosure', 'sensor', 'result'],
      buckets: SAMPLE_BUCKETS,
      registers: r,
    });
  }

  /**
   * Records one completed tick (`TickTiming`, monotonic ms): its duration, its lateness and, from
   * the snapshots the tick left, the outputs' on-time. O(outputs); no allocation per output.
   */
  observeTick(t: TickTiming): void {
    this.tickDuration.observe(Math.max(0, t.endedAt - t.startedAt) / 1000);
    this.tickLateness.observe(Math.max(0, t.startedAt - t.dueAt) / 1000);
    this.onTime.observe(t.endedAt, this.snapshotsAtTick());
  }

  /** Records one sensor sample: `durationMs` monotonic ms, `ok` whether it delivered. */
  observeSample(enclosure: string, sensor: string, durationMs: number, ok: boolean): void {
    this.sampleDuration.observe({ enclosure, sensor, result: ok ? 'ok' : 'failed' }, Math.max(0, durationMs) / 1000);
  }

  /** Counts one recovery step or outcome of the supervisor. */
  observeRecovery(ev: RecoveryEvent): void {
    this.recoveries.inc({ strategy: ev.strategy, outcome: ev.outcome });
  }

  /** The exposition text and its content type (`text/plain; version=0.0.4; charset=utf-8`). */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
