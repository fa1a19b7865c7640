import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import type { ControlEvent } from '../../src/control/types.js';
import { attributeFaults } from './attribution.js';
import { EnclosureRecord } from './enclosure-record.js';
import { TickTimingStats } from './tick-timing.js';
import type { TruthSample } from './true-ranges.js';
import type { InjectedEvent, NodeLimit, RecorderEvent, SimReport } from './types.js';

/** How the recorder measures. */
export interface SimRecorderOptions {
  /** Control tick period, ms (every tick weighs tickMs; wall time may jump in clock-jump scenarios). */
  tickMs: number;
  /** IANA zone for the chart's and summary's local times (default `UTC`). */
  timezone?: string;
  /** Temperature band half-width around the active setpoint, °C (default ±1, the figure). */
  temperatureBandC?: number;
  /** Chart series bucket, ms of wall time (default one simulated minute). */
  bucketMs?: number;
  /** Tick-lateness verdict: the largest p99 lateness that still holds the period, ms (default 50). */
  p99LatenessMaxMs?: number;
  /** Limits on other true nodes than the air, per enclosure id (heater limit probes' spots). */
  nodeLimits?: Record<string, NodeLimit[]>;
}

/** What the caller knows at the end of the run. */
export interface RunTotals {
  /** Wall-clock seconds the run took (the caller measures them; the recorder has no clock). */
  wallSeconds: number;
  /** Control ticks, if the caller counts them; default: the most ticks any enclosure recorded. */
  ticks?: number;
  /** Simulated seconds; default ticks x tick length. */
  simulatedSeconds?: number;
  /** Seed, config file, days, scenario: copied into the report. */
  meta?: Record<string, unknown>;
}

/**
 * Records a simulation for the report. Call {@link record} once per
 * control tick per enclosure with the tick's snapshot and the physics' true air state: the figures
 * are computed on the truth (what the animal feels), the snapshot supplies setpoint, band, limits,
 * outputs and faults. Memory: O(1) per tick for the figures plus one chart point per bucket.
 */
export class SimRecorder {
  private readonly records = new Map<string, EnclosureRecord>();
  private readonly tickSeconds: number;
  private readonly bandC: number;
  private readonly bucketMs: number;
  private readonly timezone: string;
  private readonly injections: InjectedEvent[] = [];
  private readonly timing: TickTimingStats;
  private readonly nodeLimits: Record<string, NodeLimit[]>;
  private timed = false;

  constructor(options: SimRecorderOptions) {
    this.timing = new TickTimingStats(options.tickMs, options.p99LatenessMaxMs);
    this.nodeLimits = options.nodeLimits ?? {};
    this.tickSeconds = options.tickMs / 1000;
    this.bandC = options.temperatureBandC ?? 1;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.timezone = options.timezone ?? 'UTC';
  }

  /**
   * One control tick of one enclosure. `truth`: the physics' real air temperature (°C), humidity
   * (%RH) and any other node it exposes (see {@link TruthSample}).
   */
  record(snapshot: EnclosureSnapshot, truth: TruthSample): void {
    this.recordFor(snapshot.enclosureId).add(snapshot, truth);
  }

  /** A true-state sample of one enclosure while no controller ticks (down or hung), once per tick period. */
  recordOffline(enclosureId: string, at: number, truth: TruthSample): void {
    this.recordFor(enclosureId).addOffline(at, truth);
  }

  /** The controller process went down or hung at wall ms `at` (the next tick ends it), for these enclosures. */
  processState(enclosureIds: readonly string[], at: number, state: 'down' | 'hung'): void {
    for (const id of enclosureIds) this.recordFor(id).setProcessState(at, state);
  }

  /** The timing of one tick, monotonic ms (see `TickTiming` of the tick loop). */
  recordTickTiming(t: { dueAt: number; startedAt: number; endedAt: number }): void {
    this.timed = true;
    this.timing.add(t);
  }

  /** An injected scenario event as applied; returns its index in the report's `injected` list. */
  recordInjection(ev: Omit<InjectedEvent, 'clearedAt' | 'recovery'>): number {
    this.injections.push({ ...ev, clearedAt: null, recovery: null });
    return this.injections.length - 1;
  }

  /**
   * Injected event `index` was cleared at wall ms `at` (its duration ended, or the process is back
   * after a crash, power cut or hang): from here, every component it touched is watched until it
   * is healthy again.
   */
  recordCleared(index: number, at: number): void {
    const ev = this.injections[index];
    if (!ev || ev.clearedAt !== null) return;
    ev.clearedAt = at;
    for (const [encId, components] of Object.entries(ev.touches.components)) this.recordFor(encId).recovery.watch(index, components, at);
  }

  /** A fault (deduplicated with the snapshot's active faults by kind, component and time), a feed or a recovery. */
  recordEvent(enclosureId: string, ev: RecorderEvent): void {
    this.recordFor(enclosureId).addEvent(ev);
  }

  /** Builds the report from what was recorded so far (the recorder can keep recording after). */
  report(totals: RunTotals): SimReport {
    const records = [...this.records.values()];
    const ticks = totals.ticks ?? records.reduce((m, r) => Math.max(m, r.ticks), 0);
    const firsts = records.map((r) => r.firstAt).filter((t): t is number => t !== null);
    const lasts = records.map((r) => r.lastAt).filter((t): t is number => t !== null);
    const series: SimReport['series'] = {};
    for (const r of records) series[r.id] = r.chartSeries();
    const injected = this.injections.map((ev, i) => {
      if (ev.clearedAt === null) return { ...ev };
      const recovery = Object.keys(ev.touches.components).flatMap((encId) => (this.records.get(encId)?.recovery.result(i) ?? []).map((r) => ({ enclosureId: encId, ...r })));
      return { ...ev, recovery };
    });
    const enclosures = records.map((r) => {
      const e = r.report();
      const faults = attributeFaults(r.id, e.faults, injected, e.safetyViolations);
      return { ...e, faults, falseAlarms: faults.filter((f) => f.falseAlarm) };
    });
    return {
      timezone: this.timezone,
      startedAt: firsts.length ? Math.min(...firsts) : 0,
      endedAt: lasts.length ? Math.max(...lasts) + this.tickSeconds * 1000 : 0,
      ticks,
      tickSeconds: this.tickSeconds,
      simulatedSeconds: totals.simulatedSeconds ?? ticks * this.tickSeconds,
      wallSeconds: totals.wallSeconds,
      temperatureBandC: this.bandC,
      meta: totals.meta ?? {},
      enclosures,
      injected,
      tickTiming: this.timed ? this.timing.result() : null,
      series,
    };
  }

  private recordFor(enclosureId: string): EnclosureRecord {
    let r = this.records.get(enclosureId);
    if (!r) {
      r = new EnclosureRecord(enclosureId, this.bandC, this.tickSeconds, this.bucketMs, this.nodeLimits[enclosureId] ?? []);
      this.records.set(enclosureId, r);
    }
    return r;
  }
}

/** Maps a control event to a recorder event: faults and feeds; `null` for the rest (phases, notices, skips). */
export function recorderEventFromControl(ev: ControlEvent): RecorderEvent | null {
  if (ev.type === 'fault') return { type: 'fault', kind: ev.fault.kind, component: ev.fault.component, at: ev.fault.at, message: ev.fault.message };
  if (ev.type === 'feed') return { type: 'feed', actuatorId: ev.actuatorId, at: ev.at, reason: ev.reason };
  return null;
}
