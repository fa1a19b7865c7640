import type { HostConfig, HostThreshold } from '../config/host-schema.js';
import { describeError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { HostMetricsReader, Metric, ThrottleFlags } from '../hal/host-metrics.js';
import type { ComponentHealth, HealthStatus } from '../resilience/health-types.js';
import { type AlarmLevel, LEVEL_STATUS, RANK, nextLevel, throttlingLevel, underVoltageLevel } from './host-alarm.js';

export { type AlarmLevel, nextLevel } from './host-alarm.js';

/** The host metrics watched; component ids are `host.<id>` (health-types.ts). */
export const HOST_METRIC_IDS = ['cpu-temperature', 'under-voltage', 'throttling', 'memory', 'disk', 'load', 'event-loop-lag', 'rss'] as const;
export type HostMetricId = (typeof HOST_METRIC_IDS)[number];

/** One metric's current state, for telemetry and `terrarium status`. */
export interface HostMetricStatus {
  id: `host.${HostMetricId}`;
  status: HealthStatus;
  /** Last value in `unit` (flags: the raw get_throttled word), `undefined` when unknown. */
  value: number | undefined;
  unit: string;
  reason?: string;
}

/** A status change of one metric (de-duplicated: emitted only when the status changes). */
export interface HostHealthEvent {
  id: `host.${HostMetricId}`;
  /** Wall ms. */
  at: number;
  from: HealthStatus;
  to: HealthStatus;
  value: number | undefined;
  unit: string;
  reason: string;
}

/** The readers {@link HostHealthMonitor} uses (a `HostMetricsReader`, or a fake). */
export type HostMetricsSource = Pick<HostMetricsReader, 'cpuTemperatureC' | 'throttling' | 'memory' | 'diskSpace' | 'load' | 'rssBytes'>;

/** Dependencies of {@link HostHealthMonitor}. */
export interface HostHealthOptions {
  clock: Clock;
  metrics: HostMetricsSource;
  config: HostConfig;
  /** Event-loop lag from the watchdog's probe (`Watchdog.eventLoopLagMs`), ms. */
  eventLoopLagMs?: () => number | undefined;
  /** Told of each status change. Must not throw. */
  onEvent?: (event: HostHealthEvent) => void;
}

type Observation = { kind: 'unknown'; reason: string } | { kind: 'error'; error: unknown } | { kind: 'level'; level: AlarmLevel; value: number; reason?: string };

interface MetricState {
  level: AlarmLevel;
  /** Consecutive samples whose flags were better than the current level (flag hysteresis). */
  cleanStreak: number;
  /** Reason of the flag alarm being held while it clears. */
  alarmReason?: string;
  health: ComponentHealth;
  value: number | undefined;
}

const MB = 1024 * 1024;
const THRESHOLDED: Record<string, { label: string; unit: string; direction: 'above' | 'below'; key: keyof HostConfig }> = {
  'cpu-temperature': { label: 'SoC temperature', unit: '°C', direction: 'above', key: 'cpuTemperatureC' },
  memory: { label: 'memory available', unit: '%', direction: 'below', key: 'memoryAvailablePct' },
  disk: { label: 'free space on the state directory', unit: 'MB', direction: 'below', key: 'diskFreeMb' },
  load: { label: '1-minute load per CPU', unit: '', direction: 'above', key: 'loadPerCpu' },
  'event-loop-lag': { label: 'event-loop lag', unit: 'ms', direction: 'above', key: 'eventLoopLagMs' },
  rss: { label: 'controller RSS', unit: 'MB', direction: 'above', key: 'rssMb' },
};

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * Watches the Pi itself: every `config.intervalMs` it reads the host metrics, turns each
 * into an alarm level with hysteresis ({@link nextLevel}; firmware flags clear only after
 * `flagClearSamples` clean samples), keeps a `ComponentHealth` per metric (`host.<id>`, kind
 * `host`, no enclosure) and emits a {@link HostHealthEvent} only when a status changes (not for
 * `unknown` -> `healthy`, the normal first sample). A metric the machine lacks (laptop: no
 * thermal zone, no firmware) is `unknown`, not an error; unparsable content is `unknown` with the
 * parse error as reason and counts as a failure.
 */
export class HostHealthMonitor {
  private readonly states = new Map<HostMetricId, MetricState>();
  private timer: TimerHandle | undefined;
  private inFlight: Promise<HostHealthEvent[]> | undefined;
  private running = false;

  constructor(private readonly opts: HostHealthOptions) {
    for (const id of HOST_METRIC_IDS) {
      const health: ComponentHealth = {
        id: `host.${id}`, enclosureId: null, kind: 'host', status: 'unknown', lastSuccessAt: null, lastErrorAt: null,
        counters: { reads: 0, failures: 0, retries: 0, recoveries: 0 },
      };
      this.states.set(id, { level: 'ok', cleanStreak: 0, health, value: undefined });
    }
  }

  /** Samples at once, then every `config.intervalMs`; does nothing when `config.enabled` is false. */
  async start(): Promise<void> {
    if (this.running || !this.opts.config.enabled) return;
    this.running = true;
    const loop = (): void => {
      void this.sample().finally(() => {
        if (this.running) this.timer = this.opts.clock.setTimeout(loop, this.opts.config.intervalMs);
      });
    };
    loop();
  }

  /** Cancels the timer and waits for a sample in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await this.inFlight;
  }

  /** Reads every metric once and updates health; resolves with the events emitted. Never rejects. */
  sample(): Promise<HostHealthEvent[]> {
    this.inFlight ??= this.doSample().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Current health of every host metric, in {@link HOST_METRIC_IDS} order (copies). */
  health(): ComponentHealth[] {
    return HOST_METRIC_IDS.map((id) => this.healthOf(id));
  }

  /** Current health of one metric (a copy): register `() => monitor.healthOf(id)` with the HealthRegistry. */
  healthOf(id: HostMetricId): ComponentHealth {
    const h = this.state(id).health;
    return { ...h, counters: { ...h.counters } };
  }

  /** Value, unit and status of every metric. */
  metrics(): HostMetricStatus[] {
    return HOST_METRIC_IDS.map((id) => {
      const s = this.state(id);
      return { id: s.health.id as HostMetricStatus['id'], status: s.health.status, value: s.value, unit: THRESHOLDED[id]?.unit ?? '', reason: s.health.reason };
    });
  }

  private state(id: HostMetricId): MetricState {
    return this.states.get(id)!;
  }

  private async doSample(): Promise<HostHealthEvent[]> {
    const m = this.opts.metrics;
    const [temp, flags, mem, disk, load, rss] = await Promise.all([
      settle(() => m.cpuTemperatureC()), settle(() => m.throttling()), settle(() => m.memory()),
      settle(() => m.diskSpace()), settle(() => m.load()), settle(async () => m.rssBytes()),
    ]);
    const lag = await settle(async (): Promise<Metric<number>> => {
      const v = this.opts.eventLoopLagMs?.();
      return v === undefined ? { available: false, reason: 'no event-loop lag measurement (watchdog not running)' } : { available: true, value: v };
    });
    const events: HostHealthEvent[] = [];
    const put = (id: HostMetricId, o: Observation): void => {
      const e = this.apply(id, o);
      if (e) events.push(e);
    };
    put('cpu-temperature', this.threshold('cpu-temperature', temp, (v) => v));
    put('under-voltage', this.flags('under-voltage', flags, underVoltageLevel));
    put('throttling', this.flags('throttling', flags, throttlingLevel));
    put('memory', this.threshold('memory', mem, (v) => (v.totalBytes > 0 ? (100 * v.availableBytes) / v.totalBytes : 0)));
    put('disk', this.threshold('disk', disk, (v) => v.freeBytes / MB));
    put('load', this.threshold('load', load, (v) => v.load1 / Math.max(1, v.cpus)));
    put('event-loop-lag', this.threshold('event-loop-lag', lag, (v) => v));
    put('rss', this.threshold('rss', rss, (v) => v / MB));
    for (const e of events) this.opts.onEvent?.(e);
    return events;
  }

  private threshold<T>(id: HostMetricId, r: Settled<T>, toValue: (v: T) => number): Observation {
    if (r.kind !== 'ok') return r.kind === 'error' ? r : { kind: 'unknown', reason: r.reason };
    const value = toValue(r.value);
    if (!Number.isFinite(value)) return { kind: 'error', error: new Error(`${id}: not a finite value (${value})`) };
    const d = THRESHOLDED[id];
    const t = this.opts.config[d.key] as HostThreshold;
    const level = nextLevel(this.state(id).level, value, t, d.direction);
    const u = d.unit ? ` ${d.unit}` : '';
    return { kind: 'level', level, value, reason: `${d.label} ${round1(value)}${u} (warn at ${t.warn}${u}, critical at ${t.critical}${u})` };
  }

  private flags(id: HostMetricId, r: Settled<ThrottleFlags>, rule: (f: ThrottleFlags) => { level: AlarmLevel; reason?: string }): Observation {
    if (r.kind !== 'ok') return r.kind === 'error' ? r : { kind: 'unknown', reason: r.reason };
    const s = this.state(id);
    const seen = rule(r.value);
    const n = this.opts.config.flagClearSamples;
    if (RANK[seen.level] < RANK[s.level] && ++s.cleanStreak < n) {
      return { kind: 'level', level: s.level, value: r.value.raw, reason: `${s.alarmReason} (clearing: ${s.cleanStreak}/${n} clean samples)` };
    }
    s.cleanStreak = 0;
    s.alarmReason = seen.reason;
    return { kind: 'level', level: seen.level, value: r.value.raw, reason: seen.reason };
  }

  /** Applies one observation; returns the event when the status changed (except unknown -> healthy). */
  private apply(id: HostMetricId, o: Observation): HostHealthEvent | undefined {
    const s = this.state(id);
    const h = s.health;
    const now = this.opts.clock.now();
    const from = h.status;
    let reason: string | undefined;
    if (o.kind === 'unknown') {
      h.status = 'unknown';
      reason = `not available on this host: ${o.reason}`;
      s.level = 'ok';
      s.cleanStreak = 0;
      s.value = undefined;
    } else if (o.kind === 'error') {
      h.status = 'unknown';
      reason = `cannot read: ${describeError(o.error)}`;
      h.counters.reads++;
      h.counters.failures++;
      h.lastErrorAt = now;
      h.lastError = describeError(o.error);
      s.level = 'ok';
      s.cleanStreak = 0;
      s.value = undefined;
    } else {
      h.counters.reads++;
      h.lastSuccessAt = now;
      s.level = o.level;
      s.value = o.value;
      h.status = LEVEL_STATUS[o.level];
      reason = o.level === 'ok' ? undefined : o.reason;
      if (h.status === 'healthy' && (from === 'degraded' || from === 'failed')) h.counters.recoveries++;
    }
    if (reason === undefined) delete h.reason;
    else h.reason = reason;
    if (from === h.status || (from === 'unknown' && h.status === 'healthy')) return undefined;
    return { id: h.id as HostHealthEvent['id'], at: now, from, to: h.status, value: s.value, unit: THRESHOLDED[id]?.unit ?? '', reason: reason ?? 'recovered' };
  }
}

type Settled<T> = { kind: 'ok'; value: T } | { kind: 'unavailable'; reason: string } | { kind: 'error'; error: unknown };

/** Runs a reader; a missing metric and a thrown error both become values, so one metric never hides the others. */
async function settle<T>(read: () => Promise<Metric<T>>): Promise<Settled<T>> {
  try {
    const m = await read();
    return m.available ? { kind: 'ok', value: m.value } : { kind: 'unavailable', reason: m.reason };
  } catch (error) {
    return { kind: 'error', error };
  }
}
