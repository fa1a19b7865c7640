import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import { ActuatorStats, BandStats, ViolationTracker } from './metrics.js';
import { ModeTimeline } from './mode-timeline.js';
import { RecoveryWatch } from './recovery-watch.js';
import { type ActuatorColumn, SeriesBuilder } from './series.js';
import { TrueRanges, type TruthSample } from './true-ranges.js';
import type { EnclosureReport, EnclosureSeries, FaultRecord, FeedRecord, NodeLimit, RecorderEvent, RecoveryRecord, TimelineMode } from './types.js';

/**
 * Everything the recorder keeps for one enclosure: running figures (O(1) per tick), the
 * downsampled series, and the event lists (which grow with events, not ticks).
 */
export class EnclosureRecord {
  name: string;
  ticks = 0;
  firstAt: number | null = null;
  lastAt: number | null = null;
  private warmUpTicks: number | null = null;
  private measuredFrom: number | null = null;
  private temperature = new BandStats();
  private humidity = new BandStats();
  /** Per output: its running figures and its chart column, found with one lookup per tick. */
  private readonly actuators = new Map<string, { stats: ActuatorStats; column: ActuatorColumn }>();
  private readonly overTemperature = new ViolationTracker('over-temperature', true, 'safety.maxC', 'air');
  private readonly underTemperature = new ViolationTracker('under-temperature', false, 'safety.minC', 'air');
  private readonly overHumidity = new ViolationTracker('over-humidity', true, 'safety.maxHumidityPct', 'humidity');
  private readonly trueRanges = new TrueRanges();
  private readonly timeline = new ModeTimeline();
  readonly recovery = new RecoveryWatch();
  /** Maxima on other nodes (heater limit spots), each with its episodes. */
  private readonly nodeLimits: Array<NodeLimit & { tracker: ViolationTracker }>;
  /** The limits of the last tick, for samples taken while no controller ticks. */
  private limits: EnclosureSnapshot['limits'] | null = null;
  private readonly series: SeriesBuilder;
  private readonly feeds: FeedRecord[] = [];
  private readonly faults: FaultRecord[] = [];
  private readonly recoveries: RecoveryRecord[] = [];
  /** kind -> component -> raised-at times already recorded (dedup without per-tick strings). */
  private readonly faultsSeen = new Map<string, Map<string, Set<number>>>();

  constructor(
    readonly id: string,
    private readonly bandC: number,
    private readonly tickSeconds: number,
    bucketMs: number,
    nodeLimits: readonly NodeLimit[] = [],
  ) {
    this.name = id;
    this.nodeLimits = nodeLimits.map((l) => ({ ...l, tracker: new ViolationTracker('over-temperature', true, l.limitName, l.node) }));
    this.series = new SeriesBuilder(bucketMs);
  }

  /** One control tick: the snapshot (setpoints, limits, outputs, faults) and the true state. */
  add(snap: EnclosureSnapshot, truth: TruthSample): void {
    const airC = truth.airC;
    const humidityPct = truth.humidityPct;
    this.name = snap.name;
    this.limits = snap.limits;
    this.trueRanges.add(snap.at, truth);
    this.checkNodeLimits(snap.at);
    this.timeline.set(snap.at, snap.mode);
    this.recovery.check(snap);
    this.ticks++;
    if (this.firstAt === null) this.firstAt = snap.at;
    this.lastAt = snap.at;

    if (this.warmUpTicks === null && Math.abs(airC - snap.setpointC) <= this.bandC) {
      // Warm-up ends: measure from here. Until now the figures covered the whole run (kept if never warm).
      this.warmUpTicks = this.ticks - 1;
      this.measuredFrom = snap.at;
      this.temperature = new BandStats();
      this.humidity = new BandStats();
      for (const a of this.actuators.values()) a.stats.resetCounts();
    }
    this.temperature.addAroundSetpoint(airC, snap.setpointC, this.bandC);
    this.humidity.addInRange(humidityPct, snap.humidityRange.minPct, snap.humidityRange.maxPct);
    this.overTemperature.add(snap.at, airC, snap.limits.maxC, this.tickSeconds);
    this.underTemperature.add(snap.at, airC, snap.limits.minC, this.tickSeconds);
    this.overHumidity.add(snap.at, humidityPct, snap.limits.maxHumidityPct, this.tickSeconds);
    for (let i = 0; i < snap.faults.length; i++) {
      const f = snap.faults[i];
      this.addFault(f.kind, f.component, f.at, f.message);
    }
    this.series.add(snap, airC, humidityPct);
    const acts = snap.actuators;
    for (const id in acts) {
      const a = acts[id];
      let track = this.actuators.get(id);
      if (!track) {
        track = { stats: new ActuatorStats(a.kind), column: this.series.column(id, a.kind) };
        this.actuators.set(id, track);
      }
      track.stats.add(a.on);
      if (a.on) track.column.onTicks++;
    }
  }

  /**
   * A true-state sample while no controller ticks (process down or hung), every tick period: the
   * true ranges and safety violations go on (against the last tick's limits); nothing else.
   */
  addOffline(at: number, truth: TruthSample): void {
    this.trueRanges.add(at, truth);
    this.checkNodeLimits(at);
    const lim = this.limits;
    if (!lim) return;
    this.overTemperature.add(at, truth.airC, lim.maxC, this.tickSeconds);
    this.underTemperature.add(at, truth.airC, lim.minC, this.tickSeconds);
    this.overHumidity.add(at, truth.humidityPct, lim.maxHumidityPct, this.tickSeconds);
  }

  private checkNodeLimits(at: number): void {
    for (const l of this.nodeLimits) {
      const v = this.trueRanges.latest(l.node);
      if (v !== undefined) l.tracker.add(at, v, l.maxC, this.tickSeconds);
    }
  }

  /** The runner says the controller process is down or hung from wall ms `at` (until the next tick). */
  setProcessState(at: number, state: Extract<TimelineMode, 'down' | 'hung'>): void {
    this.timeline.set(at, state);
  }

  /** A fault, feed or recovery reported by the caller. */
  addEvent(ev: RecorderEvent): void {
    if (ev.type === 'fault') this.addFault(ev.kind, ev.component, ev.at, ev.message);
    else if (ev.type === 'feed') this.feeds.push({ actuatorId: ev.actuatorId, at: ev.at, reason: ev.reason, ...(ev.mono === undefined ? {} : { mono: ev.mono }) });
    else this.recoveries.push({ component: ev.component, detectedAt: ev.detectedAt, recoveredAt: ev.recoveredAt, ...(ev.action ? { action: ev.action } : {}) });
  }

  /** The enclosure's figures so far; the recorder attributes the faults (it knows the injected events). */
  report(): Omit<EnclosureReport, 'faults' | 'falseAlarms'> & { faults: FaultRecord[] } {
    const end = this.lastAt === null ? 0 : this.lastAt + this.tickSeconds * 1000;
    const actuators: EnclosureReport['actuators'] = {};
    for (const [id, a] of this.actuators) actuators[id] = a.stats.result(this.tickSeconds);
    const byTime = <T>(key: (x: T) => number) => (a: T, b: T) => key(a) - key(b);
    return {
      id: this.id,
      name: this.name,
      ticks: this.ticks,
      warmUpSeconds: this.warmUpTicks === null ? null : this.warmUpTicks * this.tickSeconds,
      measuredFrom: this.measuredFrom,
      temperature: this.temperature.result(),
      humidity: this.humidity.result(),
      actuators,
      feeds: [...this.feeds].sort(byTime((f) => f.at)),
      faults: [...this.faults].sort(byTime((f) => f.at)),
      recoveries: [...this.recoveries].sort(byTime((r) => r.detectedAt)),
      safetyViolations: [
        ...this.overTemperature.finish(end, this.tickSeconds),
        ...this.underTemperature.finish(end, this.tickSeconds),
        ...this.overHumidity.finish(end, this.tickSeconds),
        ...this.nodeLimits.flatMap((l) => l.tracker.finish(end, this.tickSeconds)),
      ].sort(byTime((v) => v.from)),
      trueRanges: this.trueRanges.result(),
      modeTimeline: this.timeline.result(end),
    };
  }

  chartSeries(): EnclosureSeries {
    return this.series.result();
  }

  private addFault(kind: string, component: string, at: number, message?: string): void {
    let byComponent = this.faultsSeen.get(kind);
    if (!byComponent) this.faultsSeen.set(kind, (byComponent = new Map()));
    let times = byComponent.get(component);
    if (!times) byComponent.set(component, (times = new Set()));
    if (times.has(at)) return;
    times.add(at);
    this.faults.push({ kind, component, at, ...(message ? { message } : {}) });
  }
}
