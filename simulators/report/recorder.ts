import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import type { ControlEvent } from '../../src/control/types.js';
import { EnclosureRecord } from './enclosure-record.js';
import type { RecorderEvent, SimReport } from './types.js';

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

  constructor(options: SimRecorderOptions) {
    this.tickSeconds = options.tickMs / 1000;
    this.bandC = options.temperatureBandC ?? 1;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.timezone = options.timezone ?? 'UTC';
  }

  /** One control tick of one enclosure. `truth`: the physics' real air temperature (°C) and humidity (%RH). */
  record(snapshot: EnclosureSnapshot, truth: { airC: number; humidityPct: number }): void {
    this.recordFor(snapshot.enclosureId).add(snapshot, truth.airC, truth.humidityPct);
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
      enclosures: records.map((r) => r.report()),
      series,
    };
  }

  private recordFor(enclosureId: string): EnclosureRecord {
    let r = this.records.get(enclosureId);
    if (!r) {
      r = new EnclosureRecord(enclosureId, this.bandC, this.tickSeconds, this.bucketMs);
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
